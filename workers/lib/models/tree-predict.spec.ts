import { describe, expect, it } from 'vitest';
import { createRng } from '$workers/lib/random';
import { defaultParams, fitClassic, predictClassic } from './index';
import { boostingRaw } from './boosting';
import { leafOf } from './tree-arrays';
import { addTreesOutputs, addTreesOutputsJs, addTreesOutputsWasm, floorToFloat32, packTree } from './tree-predict';
import { treeWalker } from './tree-walk-wasm';
import type { TreeArrays } from './types';

/** The plain walk (float64 thresholds, one row at a time), summed tree by tree as batch prediction was before packing. */
function plainOutputs(trees: TreeArrays[], x: Float32Array, n: number, d: number, weight: number, first = 0, step = 1, stride = trees[0].outputs, column = 0, out = new Float64Array(n * stride)): Float64Array {
	for (let t = first; t < trees.length; t += step) {
		const tree = trees[t];
		for (let i = 0; i < n; i++) {
			const leaf = leafOf(tree, x, i * d);
			for (let c = 0; c < tree.outputs; c++) out[i * stride + column + c] += weight * tree.value[leaf * tree.outputs + c];
		}
	}
	return out;
}

function table(n: number, d: number, seed: number): { x: Float32Array; y3: Int32Array; value: Float64Array } {
	const rng = createRng(seed);
	// Values on a coarse grid repeat, so many rows sit exactly on a threshold's neighbours; 5 % missing.
	const x = Float32Array.from({ length: n * d }, () => (rng() < 0.05 ? NaN : Math.round(rng() * 400) / 37 - 5));
	const y3 = Int32Array.from({ length: n }, (_, i) => ((x[i * d] > 0 || Number.isNaN(x[i * d + 1]) ? 1 : 0) + (x[i * d + 2] > 1 ? 1 : 0) + (rng() < 0.1 ? 1 : 0)) % 3);
	const value = Float64Array.from({ length: n }, (_, i) => Math.sin(x[i * d] || 0) * 3 + (x[i * d + 3] || 0) ** 2 + rng());
	return { x, y3, value };
}

describe('floorToFloat32', () => {
	it('gives the largest float32 at or below a number, so float32 inputs decide exactly as against the float64 threshold', () => {
		const rng = createRng(5);
		const cases = [0, -0, 1, -1, 0.1, -0.1, 1e-40, -1e-40, 1e-50, -1e-50, 3.4028235677973366e38, 1e39, -1e39, Infinity, -Infinity];
		for (let i = 0; i < 2000; i++) cases.push((rng() - 0.5) * 10 ** Math.floor(rng() * 20 - 10));
		for (const t of cases) {
			const down = floorToFloat32(t);
			expect(Math.fround(down)).toBe(down);
			expect(down <= t).toBe(true);
			// The next float32 up is above t (or down is t itself).
			const f = new Float32Array([down]);
			const b = new Int32Array(f.buffer);
			if (down !== t && down !== Infinity) {
				if (down >= 0 && !Object.is(down, -0)) b[0]++;
				else b[0]--;
				const up = f[0] === 0 ? 1e-45 : f[0];
				expect(up > t).toBe(true);
			}
			for (const v of [Math.fround(t), down, Math.fround(t * (1 + 1e-7)), Math.fround(t * (1 - 1e-7))]) if (Number.isFinite(v)) expect(v <= down).toBe(v <= t);
		}
	});
});

describe('addTreesOutputs (packed 8-byte nodes, rows in lockstep, row blocks)', () => {
	it('gives a forest bit-identical outputs to the plain walk across several row blocks, missing values included', () => {
		const n = 9000; // two full blocks of 4,096 and a ragged tail
		const d = 5;
		const { x, y3 } = table(n, d, 7);
		const model = fitClassic({ family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 6, maxBins: 64 } }, x.subarray(0, 600 * d), 600, d, y3.subarray(0, 600), 'classification', 3, { seed: 3 });
		if (model.family !== 'forest') throw new Error('expected a forest');
		for (const tree of model.trees) expect(packTree(tree)).not.toBeNull();
		const batch = new Float64Array(n * 3);
		addTreesOutputs(model.trees, x, n, d, 1 / 6, batch);
		expect(batch).toEqual(plainOutputs(model.trees, x, n, d, 1 / 6));
		expect(predictClassic(model, x, n)).toEqual(Float32Array.from(plainOutputs(model.trees, x, n, d, 1 / 6)));
		// Any row count, including fewer rows than a lockstep group.
		for (const m of [1, 2, 3, 5, 4097]) expect(predictClassic(model, x.subarray(0, m * d), m)).toEqual(Float32Array.from(plainOutputs(model.trees, x, m, d, 1 / 6)));
	});

	it('gives multi-class boosting (a tree per class per round, strided columns) and a regression forest the numbers of the plain walk', () => {
		const n = 1500;
		const d = 6;
		const { x, y3, value } = table(n, d, 11);
		const boosting = fitClassic({ family: 'boosting', params: { ...defaultParams('boosting', 'classification'), maxIter: 8 } }, x, n, d, y3, 'classification', 3, { seed: 1 });
		if (boosting.family !== 'boosting') throw new Error('expected boosting');
		const plain = new Float64Array(n * 3);
		for (let i = 0; i < n; i++) plain.set(boosting.baseline, i * 3);
		for (let c = 0; c < 3; c++) plainOutputs(boosting.trees, x, n, d, 1, c, 3, 3, c, plain);
		expect(boostingRaw(boosting, x, n)).toEqual(plain);
		const forest = fitClassic({ family: 'forest', params: { ...defaultParams('forest', 'regression'), nTrees: 4 } }, x, n, d, value, 'regression', 0, { seed: 2 });
		if (forest.family !== 'forest') throw new Error('expected a forest');
		expect(predictClassic(forest, x, n)).toEqual(Float32Array.from(plainOutputs(forest.trees, x, n, d, 1 / 4)));
	});

	it('walks a tree it cannot pack (children not side by side) the plain way, and sends a value equal to the threshold left', () => {
		// Root splits feature 1 at 0.5 (missing right); its children are nodes 2 (left) and 1 (right).
		const tree: TreeArrays = {
			feature: Int32Array.from([1, -1, -1]),
			threshold: Float64Array.from([0.5, 0, 0]),
			missingLeft: Uint8Array.from([0, 0, 0]),
			left: Int32Array.from([2, -1, -1]),
			right: Int32Array.from([1, -1, -1]),
			value: Float64Array.from([0, 10, 20]),
			outputs: 1
		};
		expect(packTree(tree)).toBeNull();
		const x = Float32Array.from([9, 0.5, 9, 0.75, 9, NaN, 9, -1]);
		const out = new Float64Array(4);
		addTreesOutputs([tree], x, 4, 2, 1, out);
		expect(Array.from(out)).toEqual([20, 10, 10, 20]);
		const adjacent = { ...tree, left: Int32Array.from([1, -1, -1]), right: Int32Array.from([2, -1, -1]), value: Float64Array.from([0, 20, 10]) };
		expect(packTree(adjacent)).not.toBeNull();
		const packedOut = new Float64Array(4);
		addTreesOutputs([adjacent], x, 4, 2, 1, packedOut);
		expect(Array.from(packedOut)).toEqual([20, 10, 10, 20]);
	});

	it('finds the same leaves with the WebAssembly walk as with the JavaScript one, on a seeded forest, boosting and every short row count', () => {
		expect(treeWalker()).not.toBeNull();
		const n = 5000;
		const d = 7;
		const { x, y3, value } = table(n, d, 23);
		const forest = fitClassic({ family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 12 } }, x.subarray(0, 800 * d), 800, d, y3.subarray(0, 800), 'classification', 3, { seed: 9 });
		if (forest.family !== 'forest') throw new Error('expected a forest');
		const both = (rows: number, first = 0, step = 1, stride = 3, column = 0, trees = forest.trees) => {
			const wasm = new Float64Array(rows * stride);
			const js = new Float64Array(rows * stride);
			expect(addTreesOutputsWasm(treeWalker()!, trees, x, rows, d, 1 / 12, wasm, first, step, stride, column)).toBe(true);
			addTreesOutputsJs(trees, x, rows, d, 1 / 12, js, first, step, stride, column);
			return { wasm, js };
		};
		for (const rows of [n, 1, 2, 3, 4, 5, 7, 9]) {
			const { wasm, js } = both(rows);
			expect(wasm).toEqual(js);
			expect(wasm).toEqual(plainOutputs(forest.trees, x, rows, d, 1 / 12));
		}
		// Blocks of 1,000 rows (the last one ragged) give the same sums as one block.
		const blocks = new Float64Array(n * 3);
		expect(addTreesOutputsWasm(treeWalker()!, forest.trees, x, n - 17, d, 1 / 12, blocks, 0, 1, 3, 0, 1000 * d * 4)).toBe(true);
		expect(blocks.subarray(0, (n - 17) * 3)).toEqual(both(n - 17).js);
		// Every other tree into a strided column, as boosting reads its per-class trees.
		const strided = both(n, 1, 2, 4, 1);
		expect(strided.wasm).toEqual(strided.js);
		const boosting = fitClassic({ family: 'boosting', params: { ...defaultParams('boosting', 'regression'), maxIter: 10 } }, x, n, d, value, 'regression', 0, { seed: 4 });
		if (boosting.family !== 'boosting') throw new Error('expected boosting');
		const b = both(n, 0, 1, 1, 0, boosting.trees);
		expect(b.wasm).toEqual(b.js);
		// A tree that cannot be packed among packed ones: its rows take the plain walk inside the WebAssembly path.
		const t = forest.trees[0];
		const order = Int32Array.from(t.left);
		const swapped: TreeArrays = { ...t, left: Int32Array.from(t.right), right: order, value: t.value.slice(), feature: t.feature.slice(), threshold: t.threshold.map((v) => v), missingLeft: t.missingLeft.map((m) => 1 - m) };
		for (let i = 0; i < swapped.feature.length; i++) if (swapped.feature[i] >= 0) swapped.threshold[i] = -Infinity;
		expect(packTree(swapped)).toBeNull();
		const mixed = both(n, 0, 1, 3, 0, [swapped, ...forest.trees.slice(1)]);
		expect(mixed.wasm).toEqual(mixed.js);
	});
});
