import { describe, expect, it } from 'vitest';
import { histogram, regressionReport } from './regression';
import { REGRESSION, SKLEARN } from './sklearn-reference.spec-support';

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
