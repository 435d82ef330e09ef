import { describe, expect, it } from 'vitest';
import { classificationReport, logLoss } from './classification';
import { binaryInput, multiclassInput, SKLEARN } from './sklearn-reference.spec-support';

describe('log loss and Brier', () => {
	it('computes both by hand on a tiny case', () => {
		// rows: p(true) = 0.8, 0.6, 0.5 → log loss = −(ln .8 + ln .6 + ln .5)/3
		const p = Float32Array.from([0.8, 0.2, 0.4, 0.6, 0.5, 0.5]);
		const truth = Int32Array.from([0, 1, 0]);
		const r = classificationReport({ truth, probabilities: p, classes: ['a', 'b'] });
		expect(r.logLoss).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6) + Math.log(0.5)) / 3, 6);
		// Brier on p(b): (0.2 − 0)², (0.6 − 1)², (0.5 − 0)² → (0.04 + 0.16 + 0.25) / 3 = 0.15
		expect(r.brier).toBeCloseTo(0.15, 6);
		expect(r.brierDefinition).toBe('binary');
	});

	it('clips a zero probability like scikit-learn', () => {
		const p = Float32Array.from([1, 0, 0, 1, 0.5, 0.5]);
		expect(logLoss([1, 1, 0], p, 2)).toBeCloseTo(SKLEARN.clip_logloss, 10);
	});

	// scikit-learn keeps float32 input in float32 through log and mean; Kiln sums in float64.
	it('matches scikit-learn on the binary and multiclass references (to float32 round-off)', () => {
		expect(classificationReport(binaryInput()).logLoss).toBeCloseTo(SKLEARN.bin_logloss, 7);
		expect(classificationReport(binaryInput(true)).logLoss).toBeCloseTo(SKLEARN.bin_logloss_w, 7);
		expect(classificationReport(binaryInput()).brier).toBeCloseTo(SKLEARN.bin_brier, 7);
		expect(classificationReport(binaryInput(true)).brier).toBeCloseTo(SKLEARN.bin_brier_w, 7);
		const mc = classificationReport(multiclassInput());
		expect(mc.logLoss).toBeCloseTo(SKLEARN.mc_logloss, 7);
		expect(classificationReport(multiclassInput(true)).logLoss).toBeCloseTo(SKLEARN.mc_logloss_w, 7);
		expect(mc.brierDefinition).toBe('multiclass');
		expect(mc.brier).toBeCloseTo(SKLEARN.mc_brier, 7);
	});
});

describe('classification report', () => {
	it('matches scikit-learn counts and averages, unweighted and weighted', () => {
		const r = classificationReport(multiclassInput());
		expect(r.accuracy).toBeCloseTo(SKLEARN.mc_acc, 12);
		expect(r.balancedAccuracy).toBeCloseTo(SKLEARN.mc_bacc, 12);
		expect([r.macro.precision, r.macro.recall, r.macro.f1]).toEqual(SKLEARN.mc_macro.map((v) => expect.closeTo(v, 12)));
		expect([r.weighted.precision, r.weighted.recall, r.weighted.f1]).toEqual(SKLEARN.mc_weighted.map((v) => expect.closeTo(v, 12)));
		const [precision, recall, f1, support] = SKLEARN.mc_per_class;
		r.perClass.forEach((s, c) => {
			expect(s.precision).toBeCloseTo(precision[c], 12);
			expect(s.recall).toBeCloseTo(recall[c], 12);
			expect(s.f1).toBeCloseTo(f1[c], 12);
			expect(s.support).toBe(support[c]);
		});
		expect(r.confusion.normalized).toEqual(SKLEARN.mc_confusion_norm);
		expect(r.aucMacro).toBeCloseTo(SKLEARN.mc_auc_macro, 12);
		expect(r.aucWeighted).toBeCloseTo(SKLEARN.mc_auc_weighted, 12);
		expect(r.threshold).toBeNull();

		const w = classificationReport(multiclassInput(true));
		expect(w.accuracy).toBeCloseTo(SKLEARN.mc_acc_w, 12);
		expect(w.balancedAccuracy).toBeCloseTo(SKLEARN.mc_bacc_w, 12);
		expect([w.macro.precision, w.macro.recall, w.macro.f1]).toEqual(SKLEARN.mc_macro_w.map((v) => expect.closeTo(v, 12)));
		expect([w.weighted.precision, w.weighted.recall, w.weighted.f1]).toEqual(SKLEARN.mc_weighted_w.map((v) => expect.closeTo(v, 12)));
		expect(w.confusion.counts).toEqual(SKLEARN.mc_confusion_w);
		expect(w.aucMacro).toBeCloseTo(SKLEARN.mc_auc_macro_w, 12);

		const b = classificationReport(binaryInput());
		expect(b.accuracy).toBeCloseTo(SKLEARN.bin_acc, 12);
		expect(b.balancedAccuracy).toBeCloseTo(SKLEARN.bin_bacc, 12);
		expect(b.macro.f1).toBeCloseTo(SKLEARN.bin_f1_macro, 12);
	});

	it('leaves out rows whose class the model cannot predict and counts them', () => {
		const input = multiclassInput();
		const truth = Int32Array.from([...input.truth, -1]);
		const probabilities = Float32Array.from([...input.probabilities, 0.2, 0.3, 0.5]);
		const r = classificationReport({ ...input, truth, probabilities });
		expect(r.excludedRows).toBe(1);
		expect(r.rows).toBe(12);
		expect(r.accuracy).toBeCloseTo(SKLEARN.mc_acc, 12);
	});

	it('gives null AUC for a class absent from the truth and leaves it out of the macro AUC', () => {
		const r = classificationReport({ truth: Int32Array.from([0, 1, 0, 1]), probabilities: Float32Array.from([0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.6, 0.3, 0.1, 0.3, 0.5, 0.2]), classes: ['a', 'b', 'c'] });
		expect(r.oneVsRest[2].auc).toBeNull();
		expect(r.oneVsRest[2].roc).toBeNull();
		expect(r.aucMacro).toBe(1);
	});

	it('refuses malformed input with a message naming the row', () => {
		const input = binaryInput();
		expect(() => classificationReport({ ...input, truth: Int32Array.from([...input.truth.slice(0, 9), 2]) })).toThrow(/Row 9 has true class index 2/);
		const bad = Float32Array.from(input.probabilities);
		bad[7] = Number.NaN;
		expect(() => classificationReport({ ...input, probabilities: bad })).toThrow(/Row 3 has probability NaN/);
		expect(() => classificationReport({ ...input, probabilities: bad.subarray(0, 5) })).toThrow(/Expected 10 rows × 2/);
	});
});
