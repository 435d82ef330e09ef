import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classificationReport } from './classification';
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
