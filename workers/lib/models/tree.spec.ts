import { describe, expect, it } from 'vitest';
import { createRng } from '$workers/lib/random';
import { applyBins, binData, binOf, fitBinEdges } from './binning';
import { contributions, defaultParams, fitClassic, importances, predictClassic, type TreeModel, type TreeParams } from './index';
import { leafOf, treeDepth } from './tree-arrays';
import { addTreesOutputs } from './tree-predict';

const classifier = (over: Partial<TreeParams> = {}): TreeParams => ({ ...defaultParams('tree', 'classification'), ...over });

function fitTree(x: Float32Array, n: number, d: number, y: Int32Array | Float64Array, task: 'classification' | 'regression', classes: number, params: TreeParams): TreeModel {
	return fitClassic({ family: 'tree', params }, x, n, d, y, task, classes, { seed: 1 }) as TreeModel;
}

describe('binning', () => {
	it('gives each distinct value its own bin with edges at midpoints', () => {
		const x = Float32Array.of(3, 1, 2, 2, NaN, 10);
		const edges = fitBinEdges(x, 6, 1, 255, 0)[0];
		expect(Array.from(edges)).toEqual([1.5, 2.5, 6.5]);
		const binned = applyBins(x, 6, 1, [edges]);
		expect(Array.from(binned.bins)).toEqual([2, 0, 1, 1, 4, 3]);
		expect(binned.hasMissing[0]).toBe(1);
	});

	it('cuts many distinct values into at most maxBins quantile bins, and bin b holds exactly the values <= edge b', () => {
		const rng = createRng(3);
		const n = 5000;
		const x = Float32Array.from({ length: n }, () => rng() * 100);
		const data = binData(x, n, 1, 32, 0);
		expect(data.binCounts[0]).toBeLessThanOrEqual(32);
		expect(data.binCounts[0]).toBeGreaterThan(28);
		const edges = data.thresholds[0];
		for (let i = 0; i < n; i++) {
			const b = data.bins[i];
			if (b > 0) expect(x[i]).toBeGreaterThan(edges[b - 1]);
			if (b < edges.length) expect(x[i]).toBeLessThanOrEqual(edges[b]);
		}
		expect(binOf(edges, -1)).toBe(0);
		expect(binOf(edges, 1000)).toBe(edges.length);
	});
});

describe('decision tree', () => {
	it('learns a separable two-feature problem exactly (interaction of two thresholds)', () => {
		const xs: number[] = [];
		const ys: number[] = [];
		for (let a = 0; a < 10; a++) {
			for (let b = 0; b < 10; b++) {
				xs.push(a, b);
				ys.push(a < 5 !== b < 3 ? 1 : 0);
			}
		}
		const x = Float32Array.from(xs);
		const y = Int32Array.from(ys);
		for (const criterion of ['gini', 'entropy'] as const) {
			const model = fitTree(x, 100, 2, y, 'classification', 2, classifier({ criterion }));
			const probs = predictClassic(model, x, 100);
			for (let i = 0; i < 100; i++) expect(probs[i * 2 + y[i]]).toBe(1);
			expect(model.tree.feature.filter((f) => f < 0).length).toBe(4);
			// Splits sit halfway between the training values that the classes straddle.
			const thresholds = new Set(model.tree.threshold.filter((_, i) => model.tree.feature[i] >= 0));
			expect([...thresholds].sort()).toEqual([2.5, 4.5]);
		}
	});

	it('fits a step function exactly in regression', () => {
		const x = Float32Array.from({ length: 60 }, (_, i) => i);
		const y = Float64Array.from({ length: 60 }, (_, i) => (i < 20 ? 1.5 : i < 45 ? -2 : 7));
		const model = fitTree(x, 60, 1, y, 'regression', 0, { ...defaultParams('tree', 'regression') });
		expect(Array.from(predictClassic(model, x, 60))).toEqual(Array.from(y, (v) => Math.fround(v)));
		expect(model.tree.feature.filter((f) => f < 0).length).toBe(3);
	});

	it('learns where missing values go', () => {
		// Class 1 when x > 5 or x is missing.
		const values = [1, 2, 3, 4, 6, 7, 8, 9, NaN, NaN, NaN, NaN];
		const x = Float32Array.from(values);
		const y = Int32Array.from(values, (v) => (Number.isNaN(v) || v > 5 ? 1 : 0));
		const model = fitTree(x, x.length, 1, y, 'classification', 2, classifier());
		const probs = predictClassic(model, Float32Array.of(NaN, 0, 10), 3);
		expect(Array.from(probs)).toEqual([0, 1, 1, 0, 0, 1]);
	});

	it('respects max depth and min samples per leaf', () => {
		const rng = createRng(9);
		const n = 400;
		const x = Float32Array.from({ length: n * 3 }, () => rng());
		const y = Int32Array.from({ length: n }, (_, i) => (x[i * 3] + 0.3 * rng() > 0.6 ? 1 : 0));
		const shallow = fitTree(x, n, 3, y, 'classification', 2, classifier({ maxDepth: 3 }));
		expect(treeDepth(shallow.tree)).toBe(3);
		const leafy = fitTree(x, n, 3, y, 'classification', 2, classifier({ minSamplesLeaf: 15 }));
		const perLeaf = new Map<number, number>();
		for (let i = 0; i < n; i++) {
			const leaf = leafOf(leafy.tree, x, i * 3);
			perLeaf.set(leaf, (perLeaf.get(leaf) ?? 0) + 1);
		}
		expect(Math.min(...perLeaf.values())).toBeGreaterThanOrEqual(15);
	});

	it('explains a prediction exactly (bias + contributions = class shares) and ranks the used input first', () => {
		const rng = createRng(4);
		const n = 300;
		const x = Float32Array.from({ length: n * 3 }, () => rng());
		const y = Int32Array.from({ length: n }, (_, i) => (x[i * 3 + 1] > 0.5 ? (x[i * 3] > 0.3 ? 2 : 1) : 0));
		const model = fitTree(x, n, 3, y, 'classification', 3, classifier({ maxDepth: 4 }));
		for (const r of [0, 17, 99]) {
			const row = x.slice(r * 3, r * 3 + 3);
			const parts = contributions(model, row)!;
			const probs = predictClassic(model, row, 1);
			for (let c = 0; c < 3; c++) {
				let sum = parts.bias[c];
				for (let j = 0; j < 3; j++) sum += parts.values[j * 3 + c];
				expect(sum).toBeCloseTo(probs[c], 6);
			}
		}
		const imp = importances(model)!;
		expect(imp[1]).toBeGreaterThan(imp[0]);
		expect(imp[0]).toBeGreaterThan(imp[2]);
		expect(imp.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
	});

	it('batch prediction (packed nodes, four rows in lockstep) lands in the same leaves as a plain walk, missing values included', () => {
		const rng = createRng(12);
		const n = 203;
		const x = Float32Array.from({ length: n * 4 }, () => (rng() < 0.1 ? NaN : rng() * 10));
		const y = Int32Array.from({ length: n }, (_, i) => ((x[i * 4] > 5 || Number.isNaN(x[i * 4 + 1]) ? 1 : 0) + (x[i * 4 + 2] > 3 ? 1 : 0)) % 3);
		const model = fitClassic({ family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 7 } }, x, n, 4, y, 'classification', 3, { seed: 2 });
		if (model.family !== 'forest') throw new Error('expected a forest');
		const batch = new Float64Array(n * 3);
		addTreesOutputs(model.trees, x, n, 4, 1, batch);
		const plain = new Float64Array(n * 3);
		for (const tree of model.trees) {
			for (let i = 0; i < n; i++) {
				const leaf = leafOf(tree, x, i * 4);
				for (let c = 0; c < 3; c++) plain[i * 3 + c] += tree.value[leaf * 3 + c];
			}
		}
		expect(Array.from(batch)).toEqual(Array.from(plain));
	});
});
