import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrationCurve } from './calibration';
import { classificationReport, logLoss } from './classification';
import { averagePrecision, binaryCounts, downsample, prCurve, rocAuc, rocCurve } from './curves';
import { binaryInput, multiclassInput, SKLEARN } from './sklearn-reference.spec-support';

/** Mann–Whitney U by counting every (positive, negative) pair; a tie counts one half. */
function mannWhitney(positive: number[], scores: number[]): number {
	let u = 0;
	let pairs = 0;
	for (let i = 0; i < scores.length; i++) {
		if (!positive[i]) continue;
		for (let j = 0; j < scores.length; j++) {
			if (positive[j]) continue;
			pairs++;
			u += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
		}
	}
	return u / pairs;
}

describe('ROC AUC', () => {
	it('equals the Mann–Whitney U statistic / (n1·n0) on a fixed score vector with ties', () => {
		const positive = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0];
		const scores = [0.9, 0.9, 0.5, 0.5, 0.5, 0.1, 0.7, 0.3, 0.3, 0.2];
		// pairs: 5 × 5 = 25; wins counted by hand: 0.9→4.5, 0.5→3.5, 0.5→3.5, 0.7→4, 0.3→2.5 = 18
		expect(mannWhitney(positive, scores)).toBe(18 / 25);
		expect(rocAuc(binaryCounts(positive, scores))).toBeCloseTo(18 / 25, 14);
	});

	it('equals Mann–Whitney on random score vectors full of ties', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5 })), { minLength: 2, maxLength: 60 }), (rows) => {
				const positive = rows.map(([p]) => (p ? 1 : 0));
				const scores = rows.map(([, s]) => s / 5);
				const auc = rocAuc(binaryCounts(positive, scores));
				if (!positive.includes(1) || !positive.includes(0)) return auc === null;
				return Math.abs(auc! - mannWhitney(positive, scores)) < 1e-12;
			})
		);
	});

	it('matches scikit-learn, weighted and unweighted, and keeps its curve points', () => {
		const report = classificationReport(binaryInput());
		expect(report.auc).toBeCloseTo(SKLEARN.bin_auc, 12);
		expect(classificationReport(binaryInput(true)).auc).toBeCloseTo(SKLEARN.bin_auc_w, 12);
		const roc = report.oneVsRest[1].roc!;
		// the curve drops collinear points; every kept point lies on scikit-learn's curve
		roc.fpr.forEach((x, i) => {
			const j = SKLEARN.bin_roc_fpr.findIndex((f, jj) => f === x && Math.abs(SKLEARN.bin_roc_tpr[jj] - roc.tpr[i]) < 1e-12);
			expect(j).toBeGreaterThanOrEqual(0);
		});
		expect([roc.fpr[0], roc.tpr[0], roc.fpr.at(-1), roc.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
	});
});

describe('precision–recall', () => {
	it('computes average precision on a hand example', () => {
		// thresholds 0.9 (P 1, R 1/3), 0.8 (1/2, 1/3), 0.7 (2/3, 2/3), 0.6 (3/4, 1), 0.2 (3/5, 1)
		// AP = 1/3·1 + 0 + 1/3·2/3 + 1/3·3/4 + 0 = 29/36
		const counts = binaryCounts([1, 0, 1, 1, 0], [0.9, 0.8, 0.7, 0.6, 0.2]);
		expect(averagePrecision(counts)).toBeCloseTo(29 / 36, 14);
		const pr = prCurve(counts)!;
		expect(pr.recall).toEqual([0, 1 / 3, 1 / 3, 2 / 3, 1, 1]);
		expect(pr.precision[2]).toBe(0.5);
	});

	it('matches scikit-learn average_precision_score and precision_recall_curve', () => {
		const report = classificationReport(binaryInput());
		expect(report.averagePrecision).toBeCloseTo(SKLEARN.bin_ap, 12);
		expect(classificationReport(binaryInput(true)).averagePrecision).toBeCloseTo(SKLEARN.bin_ap_w, 12);
		const counts = binaryCounts(binaryInput().truth, Float32Array.from(binaryInput().probabilities.filter((_, i) => i % 2 === 1)));
		const pr = prCurve(counts, 1000)!;
		// scikit-learn lists recall descending; ours ascends
		const pairs = SKLEARN.bin_pr_recall.map((r, i) => [r, SKLEARN.bin_pr_precision[i]]).reverse();
		const ours = pr.recall.map((r, i) => [r, pr.precision[i]]);
		ours.forEach((pt) => expect(pairs.some(([r, p]) => Math.abs(r - pt[0]) < 1e-12 && Math.abs(p - pt[1]) < 1e-12)).toBe(true));
		const ap = classificationReport(multiclassInput()).oneVsRest.map((o) => o.averagePrecision);
		ap.forEach((v, c) => expect(v).toBeCloseTo(SKLEARN.mc_ap_per_class[c], 12));
	});
});

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

describe('calibration', () => {
	it('bins by hand: an edge value falls into the lower bin, empty bins are dropped', () => {
		const positive = [0, 1, 0, 1, 1, 1];
		const p = [0.1, 0.25, 0.5, 0.5, 0.9, 1];
		const c = calibrationCurve(positive, p, { bins: 4, kind: 'positive-class', className: 'yes' });
		// bins [0,.25]: .1,.25 ; (.25,.5]: .5,.5 ; (.5,.75]: empty ; (.75,1]: .9, 1
		expect(c.bins.map((b) => b.count)).toEqual([2, 2, 2]);
		expect(c.bins.map((b) => b.meanPredicted)).toEqual([0.175, 0.5, 0.95]);
		expect(c.bins.map((b) => b.fractionPositive)).toEqual([0.5, 0.5, 1]);
		expect(c.bins.map((b) => [b.lower, b.upper])).toEqual([[0, 0.25], [0.25, 0.5], [0.75, 1]]);
		// ECE = (2/6)(.325) + (2/6)(0) + (2/6)(.05)
		expect(c.ece).toBeCloseTo((0.325 + 0.05) / 3, 12);
		expect(c.mce).toBeCloseTo(0.325, 12);
	});

	it('matches scikit-learn calibration_curve', () => {
		const r = classificationReport(binaryInput(), { calibrationBins: 5 });
		expect(r.calibration.kind).toBe('positive-class');
		r.calibration.bins.forEach((b, i) => {
			expect(b.fractionPositive).toBeCloseTo(SKLEARN.bin_cal_true[i], 12);
			expect(b.meanPredicted).toBeCloseTo(SKLEARN.bin_cal_pred[i], 7);
		});
		expect(r.calibration.bins).toHaveLength(SKLEARN.bin_cal_true.length);
	});

	it('uses top-label calibration for a multiclass task and one-vs-rest curves per class', () => {
		const r = classificationReport(multiclassInput());
		expect(r.calibration.kind).toBe('top-label');
		expect(r.calibration.bins.reduce((s, b) => s + b.count, 0)).toBe(12);
		expect(r.perClassCalibration.map((c) => c.className)).toEqual(['a', 'b', 'c']);
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

describe('curve downsampling', () => {
	it('keeps at most 200 points, both ends, and the area within 0.5%', () => {
		const n = 5000;
		const positive = Array.from({ length: n }, (_, i) => ((i * 7919) % 13 < 6 ? 1 : 0));
		const scores = Array.from({ length: n }, (_, i) => (positive[i] ? 0.3 : 0) + ((i * 104729) % 1000) / 1000);
		const counts = binaryCounts(positive, scores);
		const roc = rocCurve(counts)!;
		expect(roc.fpr.length).toBeLessThanOrEqual(200);
		expect([roc.fpr[0], roc.tpr[0], roc.fpr.at(-1), roc.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
		let area = 0;
		for (let i = 1; i < roc.fpr.length; i++) area += ((roc.fpr[i] - roc.fpr[i - 1]) * (roc.tpr[i] + roc.tpr[i - 1])) / 2;
		expect(Math.abs(area - rocAuc(counts)!)).toBeLessThan(0.005);
		expect(downsample([0, 1, 2, 3], [0, 1, 2, 3])).toEqual([0, 3]);
	});
});
