import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainConfig, TrainResult } from '$workers/protocol';
import { encodeFeatures, encodeTarget } from '$workers/lib/preprocess';
import { trainModel } from '$workers/lib/train';
import { probabilityPredict, syntheticTable, useCpu } from './explain.spec-support';
import { featureGroups } from './groups';
import { partialDependence } from './partial-dependence';
import { permutationImportance } from './permutation';

beforeAll(useCpu);

const CONFIG: TrainConfig = {
	target: 'y',
	task: 'classification',
	features: ['a', 'noise', 'c', 'b'],
	model: 'linear',
	hiddenLayers: [],
	epochs: 40,
	learningRate: 0.05,
	l2: 0,
	batchSize: 32,
	seed: 7,
	holdoutFraction: 0.2,
	validationFraction: 0,
	patience: 0
};

describe('permutation importance with a trained logistic regression', () => {
	let result: TrainResult;
	const test = syntheticTable(400, 99); // fresh rows the model never saw

	beforeAll(async () => {
		result = await trainModel(syntheticTable(600, 1), CONFIG);
	});

	it('ranks the pure-noise column last and the strongest column first, one-hot group permuted together', async () => {
		const prep = result.preprocessing;
		const rows = Int32Array.from({ length: test.rowCount }, (_, i) => i);
		const x = encodeFeatures(test, prep, rows).x;
		const truth = encodeTarget(test, prep, rows);
		const groups = featureGroups(prep);
		expect(groups.find((g) => g.name === 'c')!.indices).toHaveLength(2);
		const { predict, dispose } = await probabilityPredict(result);
		try {
			for (const metric of ['accuracy', 'log-loss'] as const) {
				const run = () => permutationImportance({ predict, x, rows: test.rowCount, width: prep.inputSize, truth, outputs: 2, metric, groups, repeats: 5, seed: 3 });
				const imp = await run();
				expect(imp.columns.map((c) => c.name)[0]).toBe('a');
				expect(imp.columns.at(-1)!.name).toBe('noise');
				const noise = imp.columns.at(-1)!;
				expect(Math.abs(noise.mean)).toBeLessThan(0.02);
				// every real column clearly above the noise, beyond its error bar
				for (const c of imp.columns.slice(0, -1)) expect(c.mean - c.std).toBeGreaterThan(noise.mean + noise.std);
				expect(imp.columns.every((c) => c.drops.length === 5)).toBe(true);
				if (metric === 'accuracy') expect(imp.baseline).toBeGreaterThan(0.9);
				expect(await run()).toEqual(imp); // seeded: same again
			}
		} finally {
			dispose();
		}
	});

	it('draws partial dependence that rises with the helpful column and separates the categories, with ICE', async () => {
		const prep = result.preprocessing;
		const rows = Int32Array.from({ length: test.rowCount }, (_, i) => i);
		const x = encodeFeatures(test, prep, rows).x;
		const groups = featureGroups(prep);
		const { predict, dispose } = await probabilityPredict(result);
		try {
			const a = await partialDependence({ predict, x, rows: test.rowCount, width: prep.inputSize, feature: groups[0], outputs: 2, gridSize: 10, iceRows: 5, seed: 1 });
			expect(a.grid).toHaveLength(10);
			const yes = a.average.map((p) => p[1]);
			for (let i = 1; i < yes.length; i++) expect(yes[i]).toBeGreaterThan(yes[i - 1]);
			// the grid is in original units: between the 5 % and 95 % quantiles of a ~ N(0, 1)
			expect(a.grid[0] as number).toBeGreaterThan(-2.2);
			expect(a.grid[0] as number).toBeLessThan(-1.2);
			expect(a.ice).toHaveLength(5);
			expect(a.ice[0]).toHaveLength(10);
			const c = await partialDependence({ predict, x, rows: test.rowCount, width: prep.inputSize, feature: groups[2], outputs: 2 });
			// one-hot slots follow the preprocessing's order (most frequent first)
			expect([...c.grid].sort()).toEqual(['x', 'z']);
			expect(c.average[c.grid.indexOf('x')][1]).toBeGreaterThan(c.average[c.grid.indexOf('z')][1] + 0.1);
		} finally {
			dispose();
		}
	});
});
