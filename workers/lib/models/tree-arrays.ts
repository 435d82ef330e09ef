import type { TreeArrays } from './types';

/** Grows a flat tree node by node; capacity doubles so no per-node objects are made. */
export class TreeBuffer {
	private size = 0;
	private feature = new Int32Array(64);
	private threshold = new Float64Array(64);
	private missingLeft = new Uint8Array(64);
	private left = new Int32Array(64);
	private right = new Int32Array(64);
	private value: Float64Array;

	constructor(private readonly outputs: number) {
		this.value = new Float64Array(64 * outputs);
	}

	get nodeCount(): number {
		return this.size;
	}

	/** Adds a leaf holding `value` (copied) and returns its index. */
	addLeaf(value: ArrayLike<number>): number {
		if (this.size === this.feature.length) this.grow();
		const node = this.size++;
		this.feature[node] = -1;
		this.left[node] = -1;
		this.right[node] = -1;
		for (let c = 0; c < this.outputs; c++) this.value[node * this.outputs + c] = value[c];
		return node;
	}

	setValue(node: number, value: ArrayLike<number>): void {
		for (let c = 0; c < this.outputs; c++) this.value[node * this.outputs + c] = value[c];
	}

	/** Turns a leaf into a split; its children are added afterwards and linked with setChildren. */
	split(node: number, feature: number, threshold: number, missingLeft: boolean): void {
		this.feature[node] = feature;
		this.threshold[node] = threshold;
		this.missingLeft[node] = missingLeft ? 1 : 0;
	}

	setChildren(node: number, left: number, right: number): void {
		this.left[node] = left;
		this.right[node] = right;
	}

	/** Scales every node value (boosting's learning rate). */
	scale(factor: number): void {
		for (let i = 0; i < this.size * this.outputs; i++) this.value[i] *= factor;
	}

	finish(): TreeArrays {
		const n = this.size;
		return {
			feature: this.feature.slice(0, n),
			threshold: this.threshold.slice(0, n),
			missingLeft: this.missingLeft.slice(0, n),
			left: this.left.slice(0, n),
			right: this.right.slice(0, n),
			value: this.value.slice(0, n * this.outputs),
			outputs: this.outputs
		};
	}

	private grow(): void {
		const cap = this.feature.length * 2;
		const widen = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T, width = 1): T => {
			const b = make(cap * width);
			b.set(a);
			return b;
		};
		this.feature = widen(this.feature, (n) => new Int32Array(n));
		this.threshold = widen(this.threshold, (n) => new Float64Array(n));
		this.missingLeft = widen(this.missingLeft, (n) => new Uint8Array(n));
		this.left = widen(this.left, (n) => new Int32Array(n));
		this.right = widen(this.right, (n) => new Int32Array(n));
		this.value = widen(this.value, (n) => new Float64Array(n), this.outputs);
	}
}

/** Leaf reached by the row starting at x[offset]. */
export function leafOf(tree: TreeArrays, x: ArrayLike<number>, offset: number): number {
	const { feature, threshold, missingLeft, left, right } = tree;
	let node = 0;
	let f = feature[0];
	while (f >= 0) {
		const v = x[offset + f];
		node = v <= threshold[node] || (v !== v && missingLeft[node] === 1) ? left[node] : right[node];
		f = feature[node];
	}
	return node;
}

/**
 * Saabas decomposition of one tree for one row: the root value is the bias, and each split on the
 * path credits its feature with the change in node value. bias + Σ values = the leaf value exactly.
 */
export function addPathContributions(tree: TreeArrays, row: ArrayLike<number>, weight: number, bias: Float64Array, values: Float64Array): void {
	const k = tree.outputs;
	const { feature, threshold, missingLeft, left, right, value } = tree;
	for (let c = 0; c < k; c++) bias[c] += weight * value[c];
	let node = 0;
	while (feature[node] >= 0) {
		const f = feature[node];
		const v = row[f];
		const next = v <= threshold[node] || (v !== v && missingLeft[node] === 1) ? left[node] : right[node];
		for (let c = 0; c < k; c++) values[f * k + c] += weight * (value[next * k + c] - value[node * k + c]);
		node = next;
	}
}

export function treeDepth(tree: TreeArrays): number {
	let deepest = 0;
	const depth = new Int32Array(tree.feature.length);
	for (let node = 0; node < tree.feature.length; node++) {
		if (tree.feature[node] < 0) {
			deepest = Math.max(deepest, depth[node]);
			continue;
		}
		depth[tree.left[node]] = depth[node] + 1;
		depth[tree.right[node]] = depth[node] + 1;
	}
	return deepest;
}
