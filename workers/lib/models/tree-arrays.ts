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
 * Rows per block: each tree runs over a block of rows before the next tree, so its upper nodes stay
 * in cache. On 100k × 20 with 10 fully grown trees, blocks of 8,192–32,768 rows used about a third
 * less CPU than 256 or 64 (noisy, shared machine).
 */
const BLOCK = 8192;

/**
 * A tree's split data interleaved per node in 16 bytes (threshold as float64, then feature and
 * left·2 + missingLeft as int32 over the same buffer), so a step down a deep tree touches one cache
 * line instead of five arrays. Needs right = left + 1, which both growers guarantee. A leaf points
 * to itself (feature 0, threshold +∞, left = itself, missing left), so a step from a leaf stays put
 * and several rows can walk one tree in lockstep until none of them moves.
 */
interface PackedTree {
	threshold: Float64Array;
	ints: Int32Array;
}

const packed = new WeakMap<TreeArrays, PackedTree | null>();

function packOf(tree: TreeArrays): PackedTree | null {
	let p = packed.get(tree);
	if (p !== undefined) return p;
	const nodes = tree.feature.length;
	const buffer = new ArrayBuffer(nodes * 16);
	const threshold = new Float64Array(buffer);
	const ints = new Int32Array(buffer);
	p = { threshold, ints };
	for (let i = 0; i < nodes; i++) {
		const leaf = tree.feature[i] < 0;
		if (!leaf && (tree.right[i] !== tree.left[i] + 1 || tree.left[i] >= 0x40000000)) {
			p = null;
			break;
		}
		threshold[2 * i] = leaf ? Infinity : tree.threshold[i];
		ints[4 * i + 2] = leaf ? 0 : tree.feature[i];
		ints[4 * i + 3] = leaf ? 2 * i + 1 : tree.left[i] * 2 + tree.missingLeft[i];
	}
	packed.set(tree, p);
	return p;
}

/**
 * Adds weight × leaf value of trees[first], trees[first + step], … for every row to
 * out[row × stride + column + c] (c over the trees' outputs).
 */
export function addTreesOutputs(trees: TreeArrays[], x: Float32Array, n: number, d: number, weight: number, out: Float64Array, first = 0, step = 1, stride = trees[0]?.outputs ?? 1, column = 0): void {
	const leaves = new Int32Array(4);
	for (let start = 0; start < n; start += BLOCK) {
		const end = Math.min(n, start + BLOCK);
		for (let t = first; t < trees.length; t += step) {
			const tree = trees[t];
			const pack = packOf(tree);
			const { value, outputs: k } = tree;
			for (let i = start; i < end; i += 4) {
				if (pack) {
					// Rows past the end repeat the last row; their leaves are not used.
					const last = (end - 1) * d;
					walkFour(pack, x, i * d, Math.min(i + 1, end - 1) * d, Math.min(i + 2, end - 1) * d, Math.min((i + 3) * d, last), leaves);
				} else for (let r = 0; r < 4 && i + r < end; r++) leaves[r] = leafOf(tree, x, (i + r) * d);
				for (let r = 0; r < 4 && i + r < end; r++) {
					const node = leaves[r];
					const o = (i + r) * stride + column;
					if (k === 1) out[o] += weight * value[node];
					else for (let c = 0; c < k; c++) out[o + c] += weight * value[node * k + c];
				}
			}
		}
	}
}

/**
 * Four rows down one tree in lockstep: their loads and compares are independent, so the CPU
 * overlaps them. Each step is branch-free: right = left + 1 unless x <= threshold, or x is missing
 * and missing goes left.
 */
function walkFour(pack: PackedTree, x: Float32Array, o0: number, o1: number, o2: number, o3: number, leaves: Int32Array): void {
	const { threshold, ints } = pack;
	let a = 0;
	let b = 0;
	let c = 0;
	let e = 0;
	for (;;) {
		const ca = ints[4 * a + 3];
		const cb = ints[4 * b + 3];
		const cc = ints[4 * c + 3];
		const ce = ints[4 * e + 3];
		const va = x[o0 + ints[4 * a + 2]];
		const vb = x[o1 + ints[4 * b + 2]];
		const vc = x[o2 + ints[4 * c + 2]];
		const ve = x[o3 + ints[4 * e + 2]];
		const na = (ca >> 1) + 1 - (Number(va <= threshold[2 * a]) | (Number(va !== va) & ca));
		const nb = (cb >> 1) + 1 - (Number(vb <= threshold[2 * b]) | (Number(vb !== vb) & cb));
		const nc = (cc >> 1) + 1 - (Number(vc <= threshold[2 * c]) | (Number(vc !== vc) & cc));
		const ne = (ce >> 1) + 1 - (Number(ve <= threshold[2 * e]) | (Number(ve !== ve) & ce));
		if (na === a && nb === b && nc === c && ne === e) break;
		a = na;
		b = nb;
		c = nc;
		e = ne;
	}
	leaves[0] = a;
	leaves[1] = b;
	leaves[2] = c;
	leaves[3] = e;
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
