import type { BinnedData } from './binning';
import { TreeBuffer } from './tree-arrays';
import type { Criterion, TreeArrays } from './types';

/** Settings of one CART growth, already resolved to numbers. */
export interface CartSettings {
	criterion: Criterion;
	maxDepth: number;
	minSamplesSplit: number;
	minSamplesLeaf: number;
	/** Non-constant features to try per split. */
	featuresPerSplit: number;
	/** Classes (classification) or 0 (regression). */
	classes: number;
}

export interface GrownTree {
	tree: TreeArrays;
	/** Weighted impurity decrease per feature, divided by the root weight. */
	gain: Float64Array;
}

/**
 * CART on binned features. `rows` lists the rows in this tree (each once) and `weight` their
 * weights (bootstrap counts); impurity uses weights, minSamples* count distinct rows, as in
 * scikit-learn. Splits are searched over the bins present in a node; missing values (their own
 * bin) are tried on both sides. Rows are partitioned in place in `rows`, so nothing is allocated per node.
 */
export function growCart(data: BinnedData, y: Int32Array | Float64Array, rows: Int32Array, weight: Float64Array, settings: CartSettings, rng: () => number): GrownTree {
	const grower = new CartGrower(data, y, weight, settings, rng);
	return grower.grow(rows);
}

class CartGrower {
	private readonly k: number;
	private readonly outputs: number;
	/** Per-bin histograms: class weights (k per bin) or [weight, Σy] for regression. */
	private readonly hist: Float64Array;
	private readonly count = new Int32Array(256);
	private readonly present = new Int32Array(256);
	private readonly nodeStat: Float64Array;
	private readonly leftStat: Float64Array;
	private readonly order: Int32Array;
	private readonly left: Float64Array;
	private readonly right: Float64Array;
	private readonly bestLeft: Float64Array;
	private readonly nodeValue: Float64Array;
	private readonly gain: Float64Array;
	private readonly buffer: TreeBuffer;
	private rootWeight = 0;
	private constantTarget = false;

	constructor(
		private readonly data: BinnedData,
		private readonly y: Int32Array | Float64Array,
		private readonly weight: Float64Array,
		private readonly s: CartSettings,
		private readonly rng: () => number
	) {
		this.k = s.classes > 0 ? s.classes : 2;
		this.outputs = s.classes > 0 ? s.classes : 1;
		this.hist = new Float64Array(256 * this.k);
		this.nodeStat = new Float64Array(this.k);
		this.leftStat = new Float64Array(this.k);
		this.left = new Float64Array(this.k);
		this.right = new Float64Array(this.k);
		this.bestLeft = new Float64Array(this.k);
		this.nodeValue = new Float64Array(this.outputs);
		this.order = new Int32Array(data.features);
		for (let f = 0; f < data.features; f++) this.order[f] = f;
		this.gain = new Float64Array(data.features);
		this.buffer = new TreeBuffer(this.outputs);
	}

	grow(rows: Int32Array): GrownTree {
		const value = new Float64Array(this.outputs);
		// Explicit stack of [start, end, depth, node]: deep trees must not overflow the call stack.
		const stack: number[] = [0, rows.length, 0, this.buffer.addLeaf(value)];
		let first = true;
		while (stack.length > 0) {
			const node = stack.pop()!;
			const depth = stack.pop()!;
			const end = stack.pop()!;
			const start = stack.pop()!;
			const total = this.statsOf(rows, start, end, this.nodeStat);
			if (first) {
				this.rootWeight = total;
				first = false;
			}
			this.writeValue(node, total);
			const m = end - start;
			if (depth >= this.s.maxDepth || m < this.s.minSamplesSplit || m < 2 * this.s.minSamplesLeaf || this.isPure(total)) continue;
			const split = this.bestSplit(rows, start, end, total);
			if (!split) continue;
			const mid = this.partition(rows, start, end, split.feature, split.bin, split.missingLeft);
			const edges = this.data.thresholds[split.feature];
			this.buffer.split(node, split.feature, split.bin < edges.length ? edges[split.bin] : Infinity, split.missingLeft);
			this.gain[split.feature] += split.gain;
			const left = this.buffer.addLeaf(value);
			const right = this.buffer.addLeaf(value);
			this.buffer.setChildren(node, left, right);
			stack.push(mid, end, depth + 1, right, start, mid, depth + 1, left);
		}
		const gain = this.gain;
		if (this.rootWeight > 0) for (let f = 0; f < gain.length; f++) gain[f] /= this.rootWeight;
		return { tree: this.buffer.finish(), gain };
	}

	/** Fills stat (class weights, or [weight, Σy]) and returns the node's total weight. */
	private statsOf(rows: Int32Array, start: number, end: number, stat: Float64Array): number {
		stat.fill(0);
		const { y, weight } = this;
		if (this.s.classes > 0) {
			let total = 0;
			for (let j = start; j < end; j++) {
				const r = rows[j];
				stat[y[r]] += weight[r];
				total += weight[r];
			}
			return total;
		}
		const first = y[rows[start]];
		let same = true;
		for (let j = start; j < end; j++) {
			const r = rows[j];
			stat[0] += weight[r];
			stat[1] += weight[r] * y[r];
			if (y[r] !== first) same = false;
		}
		this.constantTarget = same;
		return stat[0];
	}

	private writeValue(node: number, total: number): void {
		const v = this.nodeValue;
		if (this.s.classes > 0) for (let c = 0; c < this.k; c++) v[c] = total > 0 ? this.nodeStat[c] / total : 0;
		else v[0] = total > 0 ? this.nodeStat[1] / total : 0;
		this.buffer.setValue(node, v);
	}

	private isPure(total: number): boolean {
		if (this.s.classes > 0) {
			for (let c = 0; c < this.k; c++) if (this.nodeStat[c] > 0) return this.nodeStat[c] >= total;
			return true;
		}
		return this.constantTarget;
	}

	private bestSplit(rows: Int32Array, start: number, end: number, total: number): { feature: number; bin: number; missingLeft: boolean; gain: number } | null {
		const d = this.data.features;
		const order = this.order;
		let best: { feature: number; bin: number; missingLeft: boolean; gain: number } | null = null;
		let bestProxy = -Infinity;
		let tried = 0;
		const parent = this.proxyOf(this.nodeStat, total);
		for (let i = 0; i < d && tried < this.s.featuresPerSplit; i++) {
			// Partial Fisher–Yates: features are drawn without replacement until enough non-constant ones were tried.
			const j = i + Math.floor(this.rng() * (d - i));
			const f = order[j];
			order[j] = order[i];
			order[i] = f;
			const found = this.scanFeature(rows, start, end, f, total);
			if (found === null) continue;
			tried++;
			if (found.proxy > bestProxy) {
				bestProxy = found.proxy;
				best = { feature: f, bin: found.bin, missingLeft: found.missingLeft, gain: found.proxy - parent };
			}
		}
		return best;
	}

	/** Histogram of one feature over the node, then a sweep over its bins. null = constant in this node. */
	private scanFeature(rows: Int32Array, start: number, end: number, f: number, total: number): { proxy: number; bin: number; missingLeft: boolean } | null {
		const { hist, count, present, y, weight } = this;
		const k = this.k;
		const classify = this.s.classes > 0;
		const bins = this.data.bins;
		const col = f * this.data.rows;
		let distinct = 0;
		for (let j = start; j < end; j++) {
			const r = rows[j];
			const b = bins[col + r];
			if (count[b]++ === 0) present[distinct++] = b;
			if (classify) hist[b * k + y[r]] += weight[r];
			else {
				hist[b * 2] += weight[r];
				hist[b * 2 + 1] += weight[r] * y[r];
			}
		}
		let result: { proxy: number; bin: number; missingLeft: boolean } | null = null;
		if (distinct > 1) {
			present.subarray(0, distinct).sort();
			result = this.sweep(distinct, end - start, total, this.data.binCounts[f]);
		}
		for (let i = 0; i < distinct; i++) {
			const b = present[i];
			count[b] = 0;
			for (let c = b * k; c < b * k + k; c++) hist[c] = 0;
		}
		return result;
	}

	private sweep(distinct: number, m: number, total: number, missingBin: number): { proxy: number; bin: number; missingLeft: boolean } | null {
		const { hist, count, present, leftStat, nodeStat } = this;
		const k = this.k;
		const minLeaf = this.s.minSamplesLeaf;
		const hasMissing = present[distinct - 1] === missingBin;
		const real = hasMissing ? distinct - 1 : distinct;
		const missingCount = hasMissing ? count[missingBin] : 0;
		const missingOff = missingBin * k;
		let bestProxy = -Infinity;
		let bestBin = -1;
		let bestMissingLeft = false;
		const { left, right, bestLeft } = this;
		leftStat.fill(0);
		let leftCount = 0;
		// With missing rows, "all real bins left, missing right" is a candidate too.
		const last = hasMissing ? real : real - 1;
		for (let i = 0; i < last; i++) {
			const b = present[i];
			leftCount += count[b];
			for (let c = 0; c < k; c++) leftStat[c] += hist[b * k + c];
			for (let side = 0; side < (hasMissing ? 2 : 1); side++) {
				const missingLeft = side === 1;
				const lc = leftCount + (missingLeft ? missingCount : 0);
				if (lc < minLeaf || m - lc < minLeaf) continue;
				for (let c = 0; c < k; c++) {
					left[c] = leftStat[c] + (missingLeft ? hist[missingOff + c] : 0);
					right[c] = nodeStat[c] - left[c];
				}
				const lw = this.s.classes > 0 ? sum(left) : left[0];
				if (lw <= 0 || total - lw <= 0) continue;
				const proxy = this.proxyOf(left, lw) + this.proxyOf(right, total - lw);
				if (proxy > bestProxy) {
					bestProxy = proxy;
					bestBin = b;
					bestMissingLeft = missingLeft;
					bestLeft.set(left);
				}
			}
		}
		if (bestBin < 0) return null;
		if (!hasMissing) {
			// Unseen missing values later follow the heavier child.
			const lw = this.s.classes > 0 ? sum(bestLeft) : bestLeft[0];
			bestMissingLeft = lw >= total - lw;
		}
		return { proxy: bestProxy, bin: bestBin, missingLeft: bestMissingLeft };
	}

	/** Larger is better; gain = proxy(children) − proxy(parent), in weight units. */
	private proxyOf(stat: Float64Array, w: number): number {
		if (w <= 0) return 0;
		if (this.s.classes === 0) return (stat[1] * stat[1]) / w;
		let out = 0;
		if (this.s.criterion === 'entropy') {
			for (let c = 0; c < this.k; c++) if (stat[c] > 0) out += stat[c] * Math.log(stat[c]);
			return out - w * Math.log(w);
		}
		for (let c = 0; c < this.k; c++) out += stat[c] * stat[c];
		return out / w;
	}

	private partition(rows: Int32Array, start: number, end: number, f: number, bin: number, missingLeft: boolean): number {
		const bins = this.data.bins;
		const col = f * this.data.rows;
		const missing = this.data.binCounts[f];
		let i = start;
		let j = end - 1;
		while (i <= j) {
			const b = bins[col + rows[i]];
			const goesLeft = b === missing ? missingLeft : b <= bin;
			if (goesLeft) i++;
			else {
				const t = rows[i];
				rows[i] = rows[j];
				rows[j] = t;
				j--;
			}
		}
		return i;
	}
}

function sum(a: Float64Array): number {
	let s = 0;
	for (let i = 0; i < a.length; i++) s += a[i];
	return s;
}
