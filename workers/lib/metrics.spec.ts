import { describe, expect, it } from 'vitest';
import { classificationMetrics, perClassScores, regressionMetrics } from './metrics';

describe('classification metrics', () => {
	// truth:     a a a b b c ;  predicted: a a b b c c
	const m = classificationMetrics([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], ['a', 'b', 'c']);

	it('counts the confusion matrix with true classes as rows', () => {
		expect(m.confusion).toEqual([
			[2, 1, 0],
			[0, 1, 1],
			[0, 0, 1]
		]);
		expect(m.accuracy).toBeCloseTo(4 / 6, 12);
	});

	it('averages per-class F1 for macro-F1', () => {
		const scores = perClassScores(m.confusion);
		expect(scores.map((s) => [s.precision, s.recall])).toEqual([
			[1, 2 / 3],
			[0.5, 0.5],
			[0.5, 1]
		]);
		const f1 = [0.8, 0.5, 2 / 3];
		scores.forEach((s, i) => expect(s.f1).toBeCloseTo(f1[i], 12));
		expect(m.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
	});

	it('leaves a class absent from truth and predictions out of macro-F1, and scores unseen labels as misses', () => {
		// -1: a label the model has no output for. It lowers accuracy; it has no confusion row,
		// so it does not enter precision (the stratified split keeps such rows out of holdouts).
		const absent = classificationMetrics([0, 1, -1], [0, 1, 0], ['a', 'b', 'never']);
		expect(absent.macroF1).toBe(1);
		expect(absent.accuracy).toBeCloseTo(2 / 3, 12);
		expect(absent.support).toBe(3);
	});
});

describe('regression metrics', () => {
	it('computes RMSE, MAE and R² by their definitions', () => {
		const r = regressionMetrics([1, 2, 3, 4], [1, 2, 3, 6]);
		expect(r.rmse).toBeCloseTo(1, 12);
		expect(r.mae).toBeCloseTo(0.5, 12);
		expect(r.r2).toBeCloseTo(1 - 4 / 5, 12);
	});
});

describe('R² of a constant target follows scikit-learn', () => {
	it('is 1 for a perfect prediction and 0 otherwise', () => {
		expect(regressionMetrics([3, 3, 3], [3, 3, 3]).r2).toBe(1);
		expect(regressionMetrics([3, 3, 3], [3, 4, 3]).r2).toBe(0);
	});
});
