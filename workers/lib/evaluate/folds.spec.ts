import { describe, expect, it } from 'vitest';
import { classificationBaselines } from './baselines';
import { aggregateFolds, aggregateReports, pooledConfusion, scalarMetrics } from './folds';
import { regressionReport } from './regression';
import { multiclassInput } from './sklearn-reference.spec-support';
import type { ClassificationReport, RegressionReport } from './types';

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
