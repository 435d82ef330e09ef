import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainConfig, TrainResult } from '$workers/protocol';
import { buildModel } from '$workers/lib/model';
import { encodeFeatures, encodeTarget } from '$workers/lib/preprocess';
import { trainModel } from '$workers/lib/train';
import { createRng } from '$workers/lib/random';
import { attributions } from './attributions';
import { probabilityPredict, syntheticTable, useCpu } from './explain.spec-support';
import { aggregateAttributions, featureGroups } from './groups';
import { partialDependence, quantileGrid } from './partial-dependence';
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
	holdoutFraction: 0.2
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

describe('partial dependence of a known function', () => {
	it('averages the model over the rows at each grid value', async () => {
		// f(x) = x0 + 2·x1 → PD(x0 = v) = v + 2·mean(x1)
		const rows = 50;
		const x = Float32Array.from({ length: rows * 2 }, (_, i) => ((i * 37) % 11) / 3);
		const predict = async (input: Float32Array, n: number) => Float32Array.from({ length: n }, (_, i) => input[2 * i] + 2 * input[2 * i + 1]);
		let meanX1 = 0;
		for (let i = 0; i < rows; i++) meanX1 += x[2 * i + 1] / rows;
		const pd = await partialDependence({ predict, x, rows, width: 2, feature: { name: 'x0', kind: 'numeric', indices: [0] }, outputs: 1, gridSize: 5 });
		pd.encodedGrid.forEach((v, g) => expect(pd.average[g][0]).toBeCloseTo(v + 2 * meanX1, 5));
		expect(quantileGrid([1, 2, 2, 3], 5, [0.05, 0.95])).toEqual([1, 2, 3]);
		expect(quantileGrid(Array.from({ length: 101 }, (_, i) => i), 3, [0, 1])).toEqual([0, 50, 100]);
	});
});

describe('integrated gradients', () => {
	it('satisfies completeness within 1e-3 on a small MLP (softmax output, predicted class)', async () => {
		const model = buildModel({ kind: 'mlp', inputSize: 6, outputSize: 3, hiddenLayers: [16, 8], seed: 5 });
		const rng = createRng(11);
		const rows = 20;
		const x = Float32Array.from({ length: rows * 6 }, () => rng() * 4 - 2);
		try {
			const ig = await attributions(model, { x, rows, width: 6, target: 1, transform: 'softmax', steps: 256, tolerance: Infinity });
			expect(ig.steps).toBe(256);
			const worst = Math.max(...Array.from(ig.completenessGap, Math.abs));
			expect(worst).toBeLessThan(1e-3);
			// the check is not vacuous: outputs moved between baseline and input
			const moved = Math.max(...Array.from(ig.outputAtInput, (v, i) => Math.abs(v - ig.outputAtBaseline[i])));
			expect(moved).toBeGreaterThan(0.05);
			// per-row targets and the automatic refinement
			const targets = Int32Array.from({ length: rows }, (_, i) => i % 3);
			const refined = await attributions(model, { x, rows, width: 6, target: targets, steps: 8 });
			expect(Math.max(...Array.from(refined.completenessGap, Math.abs))).toBeLessThan(1e-3);
			expect(refined.steps).toBeGreaterThan(8);
		} finally {
			model.dispose();
		}
	});

	it('equals w·(x − baseline) for a linear function, as gradient × input does', async () => {
		const w = tf.tensor2d([[1], [-2], [0.5]]);
		const f = (b: tf.Tensor2D) => tf.matMul(b, w);
		const x = Float32Array.from([1, 2, 3, -1, 0, 4]);
		const baseline = Float32Array.from([0.5, 0.5, 0.5]);
		const ig = await attributions(f, { x, rows: 2, width: 3, target: 0, baseline, steps: 4 });
		const gx = await attributions(f, { x, rows: 2, width: 3, target: 0, baseline, method: 'gradient-x-input' });
		const expected = [0.5, -3, 1.25, -1.5, 1, 1.75];
		expected.forEach((v, i) => {
			expect(ig.attributions[i]).toBeCloseTo(v, 5);
			expect(gx.attributions[i]).toBeCloseTo(v, 5);
		});
		w.dispose();
	});

	it('sums one-hot attributions back to their column', () => {
		const attr = Float32Array.from([0.1, 0.2, 0.3, 0.4, 1, 2, 3, 4]);
		const groups = [
			{ name: 'num', indices: [0] },
			{ name: 'cat', indices: [1, 2, 3] }
		];
		expect(Array.from(aggregateAttributions(attr, 4, groups))).toEqual([0.1, 0.9, 1, 9].map((v) => expect.closeTo(v, 6)));
		expect(() => aggregateAttributions(attr, 4, [{ name: 'bad', indices: [4] }])).toThrow(/inputs 0 to 3/);
	});
});
