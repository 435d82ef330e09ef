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

const GINI = 0;
const ENTROPY = 1;
const SQUARED = 2;

/**
 * CART on binned features. `rows` lists the rows in this tree (each once) and `weight` their
 * weights (bootstrap counts); impurity uses weights, minSamples* count distinct rows, as in
 * scikit-learn. Splits are searched over the bins present in a node; missing values (their own
 * bin) are tried on both sides. Rows are partitioned in place, and all scratch space is allocated
 * once per tree, so nothing is allocated per row or per candidate split.
 */
export function growCart(data: BinnedData, y: Int32Array | Float64Array, rows: Int32Array, weight: Float64Array, settings: CartSettings, rng: () => number): GrownTree {
	return new CartGrower(data, y, weight, settings, rng).grow(rows);
}

class CartGrower {
	/** Channels per bin: class weights (classification) or Σ w·y (regression). */
	private readonly ch: number;
	private readonly kind: number;
	private readonly hist: Float64Array;
	private readonly binWeight = new Float64Array(256);
	private readonly count = new Int32Array(256);
	private readonly present = new Int32Array(256);
	private readonly nodeStat: Float64Array;
	private readonly left: Float64Array;
	private readonly order: Int32Array;
	private readonly gain: Float64Array;
	private readonly buffer: TreeBuffer;
	private readonly value: Float64Array;
	private constantTarget = false;
	// Best split of the node being searched.
	private bestProxy = -Infinity;
	private bestFeature = -1;
	private bestBin = -1;
	private bestMissingLeft = false;
	private bestLeftWeight = 0;

	constructor(
		private readonly data: BinnedData,
		private readonly y: Int32Array | Float64Array,
		private readonly weight: Float64Array,
		private readonly s: CartSettings,
		private readonly rng: () => number
	) {
		this.ch = s.classes > 0 ? s.classes : 1;
		this.kind = s.classes === 0 ? SQUARED : s.criterion === 'entropy' ? ENTROPY : GINI;
		this.hist = new Float64Array(256 * this.ch);
		this.nodeStat = new Float64Array(this.ch);
		this.left = new Float64Array(this.ch);
		this.value = new Float64Array(this.ch);
		this.order = Int32Array.from({ length: data.features }, (_, f) => f);
		this.gain = new Float64Array(data.features);
		this.buffer = new TreeBuffer(this.ch);
	}

	grow(rows: Int32Array): GrownTree {
		// Explicit stack of [start, end, depth, node]: deep trees must not overflow the call stack.
		const stack: number[] = [0, rows.length, 0, this.buffer.addLeaf(this.value)];
		let rootWeight = 0;
		while (stack.length > 0) {
			const node = stack.pop()!;
			const depth = stack.pop()!;
			const end = stack.pop()!;
			const start = stack.pop()!;
			const total = this.nodeStats(rows, start, end);
			if (node === 0) rootWeight = total;
			for (let c = 0; c < this.ch; c++) this.value[c] = total > 0 ? this.nodeStat[c] / total : 0;
			this.buffer.setValue(node, this.value);
			const m = end - start;
			if (depth >= this.s.maxDepth || m < this.s.minSamplesSplit || m < 2 * this.s.minSamplesLeaf || this.isPure(total)) continue;
			if (!this.findSplit(rows, start, end, total)) continue;
			const f = this.bestFeature;
			const mid = this.partition(rows, start, end, f, this.bestBin, this.bestMissingLeft);
			const edges = this.data.thresholds[f];
			this.buffer.split(node, f, this.bestBin < edges.length ? edges[this.bestBin] : Infinity, this.bestMissingLeft);
			this.gain[f] += this.bestProxy - this.proxy(this.nodeStat, total);
			const left = this.buffer.addLeaf(this.value);
			const right = this.buffer.addLeaf(this.value);
			this.buffer.setChildren(node, left, right);
			stack.push(mid, end, depth + 1, right, start, mid, depth + 1, left);
		}
		if (rootWeight > 0) for (let f = 0; f < this.gain.length; f++) this.gain[f] /= rootWeight;
		return { tree: this.buffer.finish(), gain: this.gain };
	}

	/** Fills nodeStat and returns the node's total weight. */
	private nodeStats(rows: Int32Array, start: number, end: number): number {
		const { y, weight, nodeStat } = this;
		nodeStat.fill(0);
		let total = 0;
		if (this.kind !== SQUARED) {
			for (let j = start; j < end; j++) {
				const r = rows[j];
				nodeStat[y[r]] += weight[r];
				total += weight[r];
			}
			return total;
		}
		const first = y[rows[start]];
		let same = true;
		for (let j = start; j < end; j++) {
			const r = rows[j];
			total += weight[r];
			nodeStat[0] += weight[r] * y[r];
			if (y[r] !== first) same = false;
		}
		this.constantTarget = same;
		return total;
	}

	private isPure(total: number): boolean {
		if (this.kind === SQUARED) return this.constantTarget;
		for (let c = 0; c < this.ch; c++) if (this.nodeStat[c] > 0) return this.nodeStat[c] >= total;
		return true;
	}

	/** Larger is better; a split's gain is proxy(left) + proxy(right) − proxy(node), in weight units. */
	private proxy(stat: Float64Array, w: number, other?: Float64Array, sign = 1): number {
		if (w <= 0) return 0;
		let out = 0;
		if (this.kind === SQUARED) {
			const s = other ? other[0] + sign * stat[0] : stat[0];
			return (s * s) / w;
		}
		for (let c = 0; c < this.ch; c++) {
			const v = other ? other[c] + sign * stat[c] : stat[c];
			if (this.kind === GINI) out += v * v;
			else if (v > 0) out += v * Math.log(v);
		}
		return this.kind === GINI ? out / w : out - w * Math.log(w);
	}

	private findSplit(rows: Int32Array, start: number, end: number, total: number): boolean {
		const d = this.data.features;
		const order = this.order;
		this.bestProxy = -Infinity;
		this.bestFeature = -1;
		let tried = 0;
		for (let i = 0; i < d && tried < this.s.featuresPerSplit; i++) {
			// Partial Fisher–Yates: draw features without replacement until enough non-constant ones were tried.
			const j = i + Math.floor(this.rng() * (d - i));
			const f = order[j];
			order[j] = order[i];
			order[i] = f;
			if (this.scanFeature(rows, start, end, f, total)) tried++;
		}
		return this.bestFeature >= 0;
	}

	/** Histogram of one feature over the node, then a sweep over its bins. false = constant here. */
	private scanFeature(rows: Int32Array, start: number, end: number, f: number, total: number): boolean {
		const { hist, count, present, binWeight, y, weight } = this;
		const ch = this.ch;
		const bins = this.data.bins;
		const col = f * this.data.rows;
		let distinct = 0;
		if (this.kind === SQUARED) {
			for (let j = start; j < end; j++) {
				const r = rows[j];
				const b = bins[col + r];
				if (count[b]++ === 0) present[distinct++] = b;
				binWeight[b] += weight[r];
				hist[b] += weight[r] * y[r];
			}
		} else {
			for (let j = start; j < end; j++) {
				const r = rows[j];
				const b = bins[col + r];
				if (count[b]++ === 0) present[distinct++] = b;
				binWeight[b] += weight[r];
				hist[b * ch + y[r]] += weight[r];
			}
		}
		const missingBin = this.data.binCounts[f];
		if (distinct > 1) {
			this.sortPresent(distinct, missingBin);
			this.sweep(f, distinct, end - start, total, missingBin);
		}
		for (let i = 0; i < distinct; i++) {
			const b = present[i];
			count[b] = 0;
			binWeight[b] = 0;
			for (let c = b * ch; c < b * ch + ch; c++) hist[c] = 0;
		}
		return distinct > 1;
	}

	/** Sorts the node's bins: insertion sort when few, a pass over the counts when dense. */
	private sortPresent(distinct: number, missingBin: number): void {
		const present = this.present;
		if (distinct <= 24) {
			for (let i = 1; i < distinct; i++) {
				const v = present[i];
				let j = i - 1;
				while (j >= 0 && present[j] > v) present[j + 1] = present[j--];
				present[j + 1] = v;
			}
		} else if (distinct * 4 >= missingBin) {
			let p = 0;
			for (let b = 0; b <= missingBin; b++) if (this.count[b] > 0) present[p++] = b;
		} else present.subarray(0, distinct).sort();
	}

	private sweep(f: number, distinct: number, m: number, total: number, missingBin: number): void {
		const { hist, count, present, left, nodeStat, binWeight } = this;
		const ch = this.ch;
		const minLeaf = this.s.minSamplesLeaf;
		const hasMissing = present[distinct - 1] === missingBin;
		const real = hasMissing ? distinct - 1 : distinct;
		const missingCount = hasMissing ? count[missingBin] : 0;
		const missingWeight = hasMissing ? binWeight[missingBin] : 0;
		const mo = missingBin * ch;
		left.fill(0);
		let leftCount = 0;
		let leftWeight = 0;
		// With missing rows, "every real bin left, missing right" is a candidate too.
		const last = hasMissing ? real : real - 1;
		for (let i = 0; i < last; i++) {
			const b = present[i];
			leftCount += count[b];
			leftWeight += binWeight[b];
			for (let c = 0; c < ch; c++) left[c] += hist[b * ch + c];
			if (leftCount >= minLeaf && m - leftCount >= minLeaf && leftWeight > 0 && total - leftWeight > 0) {
				const p = this.proxy(left, leftWeight) + this.proxy(left, total - leftWeight, nodeStat, -1);
				if (p > this.bestProxy) this.keep(p, f, b, false, leftWeight);
			}
			if (hasMissing) {
				const lc = leftCount + missingCount;
				const lw = leftWeight + missingWeight;
				if (lc >= minLeaf && m - lc >= minLeaf && lw > 0 && total - lw > 0) {
					// left + missing, and node − left − missing.
					for (let c = 0; c < ch; c++) left[c] += hist[mo + c];
					const p = this.proxy(left, lw) + this.proxy(left, total - lw, nodeStat, -1);
					for (let c = 0; c < ch; c++) left[c] -= hist[mo + c];
					if (p > this.bestProxy) this.keep(p, f, b, true, lw);
				}
			}
		}
		// With no missing values here, unseen ones later follow the heavier child.
		if (this.bestFeature === f && !hasMissing) this.bestMissingLeft = this.bestLeftWeight >= total - this.bestLeftWeight;
	}

	private keep(proxy: number, f: number, bin: number, missingLeft: boolean, leftWeight: number): void {
		this.bestProxy = proxy;
		this.bestFeature = f;
		this.bestBin = bin;
		this.bestMissingLeft = missingLeft;
		this.bestLeftWeight = leftWeight;
	}

	private partition(rows: Int32Array, start: number, end: number, f: number, bin: number, missingLeft: boolean): number {
		const bins = this.data.bins;
		const col = f * this.data.rows;
		const missing = this.data.binCounts[f];
		let i = start;
		let j = end - 1;
		while (i <= j) {
			const b = bins[col + rows[i]];
			if (b === missing ? missingLeft : b <= bin) i++;
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
