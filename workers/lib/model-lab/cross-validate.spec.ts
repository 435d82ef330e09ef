import { describe, expect, it } from 'vitest';
import { defaultParams } from '$workers/lib/models';
import { splitFor } from '$workers/lib/train-data';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { classicConfig } from './config';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { candidateFits, candidateFolds, crossValidate, fitAndScoreClassic } from './cross-validate';
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

	it('repeats the folds on new deals of the same rows: the first deal is the plain k-fold, the rest differ, seeded', () => {
		const linear = classicConfig(base, { family: 'linear', params: defaultParams('linear', 'classification') });
		const once = crossValidate(iris, linear, 5);
		const labels: string[] = [];
		const thrice = crossValidate(iris, linear, 5, { repeats: 3, onProgress: (_, label) => labels.push(label) });
		expect(thrice.scores).toHaveLength(15);
		expect(thrice.scores.slice(0, 5)).toEqual(once.scores);
		expect(thrice.mean).toBeCloseTo(thrice.scores.reduce((a, b) => a + b) / 15, 12);
		expect(thrice.mean).toBeGreaterThanOrEqual(0.9);
		expect(labels).toContain('Repeat 3 of 3, fold 5 of 5');
		expect(crossValidate(iris, linear, 5, { repeats: 3 }).scores).toEqual(thrice.scores);
		// Each deal puts the same 120 rows into folds differently, and every row is tested once per deal.
		const deals = [0, 1, 2].map((r) => candidateFolds(iris, linear, 5, r));
		for (const d of deals) expect(d.rows).toEqual(deals[0].rows);
		expect(deals[1].folds.fold).not.toEqual(deals[0].folds.fold);
		expect(deals[2].folds.fold).not.toEqual(deals[1].folds.fold);
		const tested = [...candidateFits(iris, linear, 5, 3)].flatMap((f) => [...f.test]);
		expect(tested).toHaveLength(360);
		expect(new Set(tested).size).toBe(120);
		expect(() => crossValidate(iris, linear, 5, { repeats: 0 })).toThrow(/Repeats .* from 1 to 10 \(got 0\)/);
		expect(() => crossValidate(iris, linear, 5, { repeats: 1.5 })).toThrow(/whole number/);
	});

	it('cross-validates given rows instead of the run split, and one fit of a fold scores as the loop does', () => {
		const linear = classicConfig(base, { family: 'linear', params: defaultParams('linear', 'classification') });
		const rows = Int32Array.from({ length: 100 }, (_, i) => i * 1.5);
		const fits = [...candidateFits(iris, linear, 5, 2, rows)];
		expect(fits).toHaveLength(10);
		for (const f of fits) {
			expect(f.train.length + f.test.length).toBe(100);
			for (const r of [...f.train, ...f.test]) expect(rows).toContain(r);
		}
		const result = crossValidate(iris, linear, 5, { repeats: 2, rows });
		expect(result.scores).toHaveLength(10);
		expect(result.scores[3]).toBe(fitAndScoreClassic(iris, linear, fits[3].train, fits[3].test, linear.seed + 3).score);
		expect(result.scores).not.toEqual(crossValidate(iris, linear, 5, { repeats: 2 }).scores);
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
		const repeated = await crossValidateMlp(iris, { ...mlp, epochs: 2 }, 2, { repeats: 2 });
		expect(repeated.scores).toHaveLength(4);
		const throughPipeline = await crossValidateMlp(iris, { ...findMlpConfig(piped), epochs: 8 }, 3, { pipeline });
		expect(throughPipeline.mean).toBeGreaterThanOrEqual(0.75);
	});
});
