import { describe, expect, it } from 'vitest';
import { classificationBaselines, regressionBaselines } from './baselines';
import { aggregateFolds, aggregateReports, pooledConfusion, scalarMetrics } from './folds';
import { histogram, regressionReport } from './regression';
import { multiclassInput, REGRESSION, SKLEARN } from './sklearn-reference.spec-support';
import type { ClassificationReport, RegressionReport } from './types';

describe('regression report', () => {
	it('matches scikit-learn', () => {
		const r = regressionReport({ truth: REGRESSION.truth, predicted: REGRESSION.predicted });
		expect(r.rmse).toBeCloseTo(SKLEARN.reg_rmse, 12);
		expect(r.mae).toBeCloseTo(SKLEARN.reg_mae, 12);
		expect(r.r2).toBeCloseTo(SKLEARN.reg_r2, 12);
		expect(r.medianAbsoluteError).toBeCloseTo(SKLEARN.reg_medae, 12);
		expect(r.maxError).toBeCloseTo(SKLEARN.reg_max, 12);
		// one truth is 0: MAPE is over the other five and says so
		expect(r.mape).toBeCloseTo(SKLEARN.reg_mape_nonzero, 12);
		expect(r.mapeSkipped).toBe(1);
		const w = regressionReport(REGRESSION);
		expect(w.r2).toBeCloseTo(SKLEARN.reg_r2_w, 12);
		expect(w.rmse).toBeCloseTo(SKLEARN.reg_rmse_w, 12);
	});

	it('follows r2_score for a constant target: 1 when exact, else 0', () => {
		expect(regressionReport({ truth: [2, 2, 2], predicted: [2, 2, 2] }).r2).toBe(SKLEARN.r2_const_perfect);
		expect(regressionReport({ truth: [2, 2, 2], predicted: [2, 2, 3] }).r2).toBe(SKLEARN.r2_const_wrong);
		expect(regressionReport({ truth: [0, 0], predicted: [1, 1] }).mape).toBeNull();
	});

	it('samples plot points with a seed and always keeps the largest errors', () => {
		const n = 3000;
		const truth = Float64Array.from({ length: n }, (_, i) => i);
		const predicted = Float64Array.from(truth, (v, i) => v + (i === 1234 ? 500 : Math.sin(i)));
		const a = regressionReport({ truth, predicted }, { maxPoints: 200, seed: 3 });
		const b = regressionReport({ truth, predicted }, { maxPoints: 200, seed: 3 });
		expect(a.points.indices).toHaveLength(200);
		expect(a.points).toEqual(b.points);
		expect(a.points.indices).toContain(1234);
		expect(new Set(a.points.indices).size).toBe(200);
		const i = a.points.indices.indexOf(1234);
		expect(a.points.residual[i]).toBe(-500);
		expect(a.points.actual[i] - a.points.predicted[i]).toBe(-500);
		expect(a.residualHistogram.counts.reduce((s, c) => s + c, 0)).toBe(n);
		expect(a.residualHistogram.counts).toHaveLength(30);
	});

	it('bins a histogram with the top edge in the last bin', () => {
		expect(histogram([0, 1, 2, 3, 4], 2)).toEqual({ edges: [0, 2, 4], counts: [2, 3] });
		expect(histogram([5, 5], 3).counts).toEqual([0, 2, 0]);
	});

	it('refuses non-finite values naming the row', () => {
		expect(() => regressionReport({ truth: [1, Number.NaN], predicted: [1, 2] })).toThrow(/Row 1 has true value NaN/);
		expect(() => regressionReport({ truth: [1, 2], predicted: [1] })).toThrow(/Expected 2 predictions/);
	});
});

describe('baselines', () => {
	it('majority predicts the most frequent training class with the class shares as probabilities', () => {
		const evaluated = multiclassInput();
		const train = [0, 0, 0, 1, 2, 2];
		const [majority, stratified] = classificationBaselines(train, evaluated, { seed: 1 });
		expect(majority.strategy).toBe('majority');
		// every evaluated row is predicted class 0; 4 of 12 truly are
		expect(majority.report.accuracy).toBeCloseTo(4 / 12, 12);
		expect(majority.report.aucMacro).toBe(0.5);
		// log loss of constant shares [1/2, 1/6, 1/3] on 4 rows of each class
		expect(majority.report.logLoss).toBeCloseTo(-(Math.log(1 / 2) + Math.log(1 / 6) + Math.log(1 / 3)) / 3, 6);
		expect(stratified.strategy).toBe('stratified');
		expect(stratified.report.confusion.counts.flat().reduce((a, b) => a + b, 0)).toBe(12);
		const again = classificationBaselines(train, evaluated, { seed: 1 });
		expect(again[1].report.confusion).toEqual(stratified.report.confusion);
	});

	it('stratified draws follow the training shares', () => {
		const truth = new Int32Array(20000);
		const probabilities = new Float32Array(40000).fill(0.5);
		const [s] = classificationBaselines([0, 1, 1, 1], { truth, probabilities, classes: ['a', 'b'] }, { strategies: ['stratified'], seed: 9 });
		// P(predict b) = 3/4, all rows are a → accuracy ≈ 1/4
		expect(s.report.accuracy).toBeGreaterThan(0.24);
		expect(s.report.accuracy).toBeLessThan(0.26);
	});

	it('mean and median baselines score an R² of at most 0', () => {
		const [mean, median] = regressionBaselines([1, 2, 3, 10], { truth: [2, 4, 6] });
		expect(mean.prediction).toBe(4);
		expect(median.prediction).toBe(2.5);
		expect(mean.report.r2).toBe(0); // the evaluated mean happens to be 4 as well
		expect(median.report.mae).toBeCloseTo((0.5 + 1.5 + 3.5) / 3, 12);
	});
});

describe('k-fold aggregation', () => {
	it('reports mean ± std (ddof 0) of every scalar over folds, skipping undefined ones', () => {
		const stats = aggregateFolds([
			{ accuracy: 0.8, auc: null },
			{ accuracy: 0.9, auc: 0.7 },
			{ accuracy: 1.0, auc: 0.9 }
		]);
		expect(stats.accuracy.mean).toBeCloseTo(0.9, 12);
		expect(stats.accuracy.std).toBeCloseTo(Math.sqrt(0.02 / 3), 12);
		expect(stats.auc).toMatchObject({ folds: 2, min: 0.7, max: 0.9 });
		expect(stats.auc.mean).toBeCloseTo(0.8, 12);
	});

	it('aggregates whole reports, per class too, and pools confusion counts', () => {
		const a = regressionReport({ truth: [1, 2, 3], predicted: [1, 2, 4] });
		const b = regressionReport({ truth: [1, 2, 3], predicted: [1, 2, 3] });
		const stats = aggregateReports([a, b] as RegressionReport[]);
		expect(stats.mae.mean).toBeCloseTo(1 / 6, 12);
		expect(Object.keys(stats)).toEqual(Object.keys(scalarMetrics(a)).filter((k) => k !== 'mape' || a.mape !== null));
		const folds = [0, 1].map(() => classificationBaselines([0, 1, 2], multiclassInput())[0].report) as ClassificationReport[];
		const cls = aggregateReports(folds);
		expect(cls['perClass.a.recall']).toMatchObject({ mean: 1, std: 0, folds: 2 });
		expect(pooledConfusion(folds)[0]).toEqual([8, 0, 0]);
	});
});
