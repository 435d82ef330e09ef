import { describe, expect, it } from 'vitest';
import { defaultParams } from '$workers/lib/models';
import { splitFor } from '$workers/lib/train-data';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { classicConfig } from './config';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { crossValidate } from './cross-validate';
import { crossValidateMlp } from './cross-validate-mlp';
import { findMlpConfig } from './config';

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

describe('crossValidate through a Prepare pipeline, and the MLP', () => {
	const pipeline: Pipeline = {
		format: 'kiln-pipeline',
		version: 1,
		steps: [{ kind: 'derive', name: 'petal_area', expression: 'petal_length * petal_width' }],
		features: [
			{ kind: 'scale', column: 'petal_area', method: 'standard' },
			{ kind: 'scale', column: 'sepal_length', method: 'robust' }
		]
	};
	const piped = { ...base, features: ['petal_area', 'sepal_length'] };

	it('fits the pipeline per fold: a tree on its two inputs scores like the run it would train', () => {
		const tree = classicConfig(piped, { family: 'tree', params: defaultParams('tree', 'classification') });
		const result = crossValidate(iris, tree, 4, { pipeline });
		expect(result.scores).toHaveLength(4);
		expect(result.mean).toBeGreaterThanOrEqual(0.85);
		// Without the pipeline the derived column does not exist: named, not crashed.
		expect(() => crossValidate(iris, tree, 4)).toThrow(/petal_area/);
	});

	it('cross-validates the MLP (built-in and pipeline), seeded: same seed, same scores', async () => {
		await useCpu();
		const mlp = findMlpConfig(base);
		expect(mlp.patience).toBe(0);
		const progress: number[] = [];
		// 8 epochs keep the spec short; the studio's budget is 30.
		const a = await crossValidateMlp(iris, { ...mlp, epochs: 8 }, 3, { onProgress: (f) => progress.push(f) });
		expect(a.family).toBe('mlp');
		expect(a.scores).toHaveLength(3);
		expect(a.mean).toBeGreaterThanOrEqual(0.85);
		expect(a.modelBytes).toBe(4 * (4 * 32 + 32 + 32 * 16 + 16 + 16 * 3 + 3));
		expect(progress.at(-1)).toBe(1);
		expect((await crossValidateMlp(iris, { ...mlp, epochs: 8 }, 3)).scores).toEqual(a.scores);
		const throughPipeline = await crossValidateMlp(iris, { ...findMlpConfig(piped), epochs: 8 }, 3, { pipeline });
		expect(throughPipeline.mean).toBeGreaterThanOrEqual(0.75);
	});
});
