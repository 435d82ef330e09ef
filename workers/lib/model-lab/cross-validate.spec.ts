import { describe, expect, it } from 'vitest';
import { defaultParams } from '$workers/lib/models';
import { splitFor } from '$workers/lib/train-data';
import { loadDataset } from '../../../tests/unit-support';
import { classicConfig } from './config';
import { crossValidate } from './cross-validate';

const iris = loadDataset('iris.csv');
const base = { target: 'species', task: 'classification' as const, features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'], seed: 3, holdoutFraction: 0.2, validationFraction: 0.2 };

describe('crossValidate', () => {
	it('scores k folds of the non-holdout rows: forest and logistic regression both ≥ 0.9 on iris, same seed same scores', () => {
		const forest = classicConfig(base, { family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 25 } });
		const a = crossValidate(iris, forest, 5);
		expect(a.scores).toHaveLength(5);
		expect(a.mean).toBeGreaterThanOrEqual(0.9);
		expect(a.std).toBeGreaterThanOrEqual(0);
		expect(a.modelBytes).toBeGreaterThan(0);
		expect(crossValidate(iris, forest, 5).scores).toEqual(a.scores);
		const linear = crossValidate(iris, classicConfig(base, { family: 'linear', params: defaultParams('linear', 'classification') }), 5);
		expect(linear.mean).toBeGreaterThanOrEqual(0.9);
		// 150 rows − 30 held out = 120 rows in folds of 24: each score is a multiple of 1/24.
		expect(splitFor(iris, forest).split.holdout.length).toBe(30);
		for (const s of a.scores) expect(Math.abs(s * 24 - Math.round(s * 24))).toBeLessThan(1e-9);
	});

	it('reports R² for regression, boosting above the mean predictor', () => {
		const penguins = loadDataset('penguins.csv');
		const config = classicConfig({ ...base, target: 'body_mass_g', task: 'regression', features: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'species', 'sex'] }, { family: 'boosting', params: { ...defaultParams('boosting', 'regression'), maxIter: 30 } });
		const result = crossValidate(penguins, config, 3);
		expect(result.metric).toBe('r2');
		expect(result.mean).toBeGreaterThan(0.6);
	});

	it('stops when cancelled', () => {
		const controller = new AbortController();
		controller.abort();
		expect(() => crossValidate(iris, classicConfig(base, { family: 'tree', params: defaultParams('tree', 'classification') }), 3, { signal: controller.signal })).toThrow(/Cancelled/);
	});
});
