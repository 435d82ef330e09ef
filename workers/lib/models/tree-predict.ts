import { leafOf } from './tree-arrays';
import { treeWalker, type TreeWalker } from './tree-walk-wasm';
import type { TreeArrays } from './types';

/**
 * Batch prediction of flat trees (forests, boosting, one tree). Each tree is packed once into one
 * buffer of nodes (cached per tree) so a step down the tree touches one small record instead of
 * five arrays, and several rows walk a tree together so their memory loads overlap.
 */

/**
 * Rows per block: each tree runs over a block of rows before the next tree, so its upper nodes
 * stay in cache while the block's rows are read again for the next tree.
 */
const BLOCK = 4096;

/**
 * 8 bytes a node: the threshold as float32 rounded down (for a float32 input v, v <= down(t) is
 * exactly v <= t, so decisions do not change), then one int32 holding the feature in its low
 * `shift` bits and left·2 + missingLeft above them. Needs right = left + 1, which both growers
 * guarantee. A leaf points to itself (feature 0, threshold +∞, left = itself, missing left), so a
 * step from a leaf stays put and rows can walk one tree in lockstep until none of them moves.
 */
interface Packed {
	words: Int32Array;
	threshold: Float32Array;
	shift: number;
	mask: number;
}

const packed = new WeakMap<TreeArrays, Packed | null>();
const f32 = new Float32Array(1);
const bits = new Int32Array(f32.buffer);

/** The largest float32 ≤ t (t itself when it is one). */
export function floorToFloat32(t: number): number {
	const r = Math.fround(t);
	if (!(r > t)) return r;
	if (r === Infinity) return 3.4028234663852886e38;
	f32[0] = r;
	if (r > 0) bits[0]--;
	else if (r < 0) bits[0]++;
	else bits[0] = 0x80000001 | 0; // t is a tiny negative number: the smallest negative float32
	return f32[0];
}

/** The packed tree, or null when it cannot be packed (children not adjacent, or too many nodes × features for 31 bits): then rows walk it with leafOf. */
export function packTree(tree: TreeArrays): Packed | null {
	let p = packed.get(tree);
	if (p !== undefined) return p;
	const nodes = tree.feature.length;
	let maxFeature = 0;
	for (let i = 0; i < nodes; i++) maxFeature = Math.max(maxFeature, tree.feature[i]);
	const shift = Math.max(1, 32 - Math.clz32(maxFeature));
	const limit = 2 ** (31 - shift);
	const buffer = new ArrayBuffer(nodes * 8);
	p = { words: new Int32Array(buffer), threshold: new Float32Array(buffer), shift, mask: (1 << shift) - 1 };
	for (let i = 0; i < nodes; i++) {
		const leaf = tree.feature[i] < 0;
		const code = leaf ? 2 * i + 1 : tree.left[i] * 2 + tree.missingLeft[i];
		if ((!leaf && tree.right[i] !== tree.left[i] + 1) || code >= limit) {
			p = null;
			break;
		}
		p.threshold[2 * i] = leaf ? Infinity : floorToFloat32(tree.threshold[i]);
		p.words[2 * i + 1] = (code << shift) | (leaf ? 0 : tree.feature[i]);
	}
	packed.set(tree, p);
	return p;
}

/**
 * Adds weight × leaf value of trees[first], trees[first + step], … for every row to
 * out[row × stride + column + c] (c over the trees' outputs). Every row's sum runs over the trees
 * in order, so the result does not depend on the block size, on packing or on which walk found
 * the leaves: the WebAssembly walk (tree-walk-wasm.ts) where it runs, else addTreesOutputsJs.
 */
export function addTreesOutputs(trees: TreeArrays[], x: Float32Array, n: number, d: number, weight: number, out: Float64Array, first = 0, step = 1, stride = trees[0]?.outputs ?? 1, column = 0): void {
	const walker = d > 0 && worthWasm(trees, n, first, step) ? treeWalker() : null;
	if (!walker || !addTreesOutputsWasm(walker, trees, x, n, d, weight, out, first, step, stride, column)) addTreesOutputsJs(trees, x, n, d, weight, out, first, step, stride, column);
}

/**
 * The WebAssembly walk copies each tree's nodes and values into its memory once per block of
 * rows; for a handful of rows (a single prediction, a small batch) the copy costs more than the
 * walk saves, so those stay in JavaScript: below 256 rows, or below one row per 32 nodes of the
 * largest tree (measured: 300 rows of the bench forest, 63 nodes a row, still ran 1.3× faster in
 * WebAssembly, copies included).
 */
function worthWasm(trees: TreeArrays[], n: number, first: number, step: number): boolean {
	if (n < 256) return false;
	let nodes = 0;
	for (let t = first; t < trees.length; t += step) nodes = Math.max(nodes, trees[t].feature.length);
	return n * 32 >= nodes;
}

/** addTreesOutputs with the walk in JavaScript (where WebAssembly cannot run; also the specs' reference). */
export function addTreesOutputsJs(trees: TreeArrays[], x: Float32Array, n: number, d: number, weight: number, out: Float64Array, first = 0, step = 1, stride = trees[0]?.outputs ?? 1, column = 0): void {
	const leaves = new Int32Array(BLOCK);
	for (let start = 0; start < n; start += BLOCK) {
		const end = Math.min(n, start + BLOCK);
		for (let t = first; t < trees.length; t += step) {
			const tree = trees[t];
			const pack = packTree(tree);
			if (pack) walkBlock(pack, x, d, start, end, leaves);
			else for (let i = start; i < end; i++) leaves[i - start] = leafOf(tree, x, i * d);
			addLeafValues(tree, leaves, start, end, weight, out, stride, column);
		}
	}
}

/**
 * Bytes of input rows copied into the WebAssembly memory at a time. Each tree then walks all of
 * them before the next tree: its nodes (~150 KB for a full-depth tree on 100,000 rows) stay in
 * cache while the rows stream past in order, which the CPU prefetches well.
 */
const WASM_BLOCK_BYTES = 8 << 20;

/**
 * addTreesOutputs with the WebAssembly walk; false (nothing added) when its memory cannot grow
 * to the block's size. blockBytes is there for the specs (several blocks on small data).
 */
export function addTreesOutputsWasm(walker: TreeWalker, trees: TreeArrays[], x: Float32Array, n: number, d: number, weight: number, out: Float64Array, first: number, step: number, stride: number, column: number, blockBytes = WASM_BLOCK_BYTES): boolean {
	const rowBytes = d * 4;
	const block = Math.max(1, Math.min(n, Math.floor(blockBytes / rowBytes)));
	let nodes = 0;
	let values = 0;
	for (let t = first; t < trees.length; t += step) {
		nodes = Math.max(nodes, trees[t].feature.length);
		values = Math.max(values, trees[t].value.length);
	}
	// Memory: [rows of the block | leaves (and a spare slot) | sums of the block | one tree's values | its packed nodes].
	const leavesAt = block * rowBytes;
	const sumsAt = Math.ceil((leavesAt + (block + 1) * 4) / 8) * 8;
	const valuesAt = sumsAt + block * stride * 8;
	const nodesAt = valuesAt + values * 8;
	const bytes = nodesAt + nodes * 8;
	const { memory } = walker;
	try {
		if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
	} catch {
		return false;
	}
	const rows = new Float32Array(memory.buffer, 0, block * d);
	const leaves = new Int32Array(memory.buffer, leavesAt, block + 1);
	const sums = new Float64Array(memory.buffer, sumsAt, block * stride);
	const treeValues = new Float64Array(memory.buffer, valuesAt, values);
	const treeBytes = new Uint8Array(memory.buffer, nodesAt, nodes * 8);
	for (let start = 0; start < n; start += block) {
		const end = Math.min(n, start + block);
		rows.set(x.subarray(start * d, end * d));
		sums.set(out.subarray(start * stride, end * stride));
		for (let t = first; t < trees.length; t += step) {
			const tree = trees[t];
			const pack = packTree(tree);
			if (pack) {
				treeBytes.set(new Uint8Array(pack.words.buffer, pack.words.byteOffset, pack.words.byteLength));
				walker.walk(nodesAt, 0, rowBytes, end - start, leavesAt, pack.shift, pack.mask);
			} else for (let i = start; i < end; i++) leaves[i - start] = leafOf(tree, x, i * d);
			treeValues.set(tree.value);
			walker.add(leavesAt, end - start, valuesAt, tree.outputs, sumsAt + column * 8, stride * 8, weight);
		}
		out.set(sums.subarray(0, (end - start) * stride), start * stride);
	}
	return true;
}

/** out[i × stride + column + c] += weight × the value of row i's leaf (leaves[i − start]). */
function addLeafValues(tree: TreeArrays, leaves: Int32Array, start: number, end: number, weight: number, out: Float64Array, stride: number, column: number): void {
	const { value, outputs: k } = tree;
	if (k === 1) for (let i = start; i < end; i++) out[i * stride + column] += weight * value[leaves[i - start]];
	else if (k === 2)
		for (let i = start; i < end; i++) {
			const o = i * stride + column;
			const v = leaves[i - start] * 2;
			out[o] += weight * value[v];
			out[o + 1] += weight * value[v + 1];
		}
	else
		for (let i = start; i < end; i++) {
			const o = i * stride + column;
			const v = leaves[i - start] * k;
			for (let c = 0; c < k; c++) out[o + c] += weight * value[v + c];
		}
}

/** Leaves of rows start…end−1, four at a time; rows past the end repeat the last row. */
function walkBlock(pack: Packed, x: Float32Array, d: number, start: number, end: number, leaves: Int32Array): void {
	const last = (end - 1) * d;
	for (let i = start; i < end; i += 4) walkFour(pack, x, i * d, Math.min((i + 1) * d, last), Math.min((i + 2) * d, last), Math.min((i + 3) * d, last), leaves, i - start);
}

/**
 * Four rows down one tree in lockstep: their loads and compares are independent, so the CPU
 * overlaps them. Each step is branch-free: right = left + 1 unless v <= threshold, or v is missing
 * and missing goes left. Writes only the leaves of rows inside the block.
 */
function walkFour(pack: Packed, x: Float32Array, o0: number, o1: number, o2: number, o3: number, leaves: Int32Array, at: number): void {
	const { words, threshold, shift, mask } = pack;
	let a = 0;
	let b = 0;
	let c = 0;
	let e = 0;
	for (;;) {
		const wa = words[2 * a + 1];
		const wb = words[2 * b + 1];
		const wc = words[2 * c + 1];
		const we = words[2 * e + 1];
		const va = x[o0 + (wa & mask)];
		const vb = x[o1 + (wb & mask)];
		const vc = x[o2 + (wc & mask)];
		const ve = x[o3 + (we & mask)];
		const ca = wa >> shift;
		const cb = wb >> shift;
		const cc = wc >> shift;
		const ce = we >> shift;
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
	leaves[at] = a;
	if (at + 1 < leaves.length) leaves[at + 1] = b;
	if (at + 2 < leaves.length) leaves[at + 2] = c;
	if (at + 3 < leaves.length) leaves[at + 3] = e;
}
