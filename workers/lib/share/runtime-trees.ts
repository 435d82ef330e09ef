import type { PortableTrees, ShareTree, TreesDescription } from './kinds';

/**
 * The tree-ensemble part of the share runtime: encoded inputs → class probabilities or the
 * standardised value. Like kilnRuntime, one factory with no outside references, because the
 * standalone page embeds `kilnTreesRuntime.toString()`. Plain ES2020.
 */
export function kilnTreesRuntime() {
	// The dense runtime's base64 decoder, handed in by treesFromPortable's caller (no outside references here).
	let bytesFromBase64: (text: string) => Uint8Array = () => new Uint8Array(0);
	function view(text: string): DataView {
		const b = bytesFromBase64(text);
		return new DataView(b.buffer, b.byteOffset, b.byteLength);
	}
	function f32(text: string): Float32Array {
		const v = view(text);
		const out = new Float32Array(v.byteLength >> 2);
		for (let i = 0; i < out.length; i++) out[i] = v.getFloat32(4 * i, true);
		return out;
	}
	function i32(text: string): Int32Array {
		const v = view(text);
		const out = new Int32Array(v.byteLength >> 2);
		for (let i = 0; i < out.length; i++) out[i] = v.getInt32(4 * i, true);
		return out;
	}

	/** The page's embedded (base64) form back to typed arrays; Kiln checked it when writing the page. */
	function treesFromPortable(p: PortableTrees, decodeBase64: (text: string) => Uint8Array): TreesDescription {
		bytesFromBase64 = decodeBase64;
		const trees = p.trees.map((t): ShareTree => ({ feature: i32(t.feature), threshold: f32(t.threshold), missingLeft: bytesFromBase64(t.missingLeft), left: i32(t.left), right: i32(t.right), leaves: f32(t.leaves) }));
		return { ...p, baseline: f32(p.baseline), trees };
	}

	/**
	 * Leaf offsets per node (−1 for inner nodes), computed once per tree. Walking follows
	 * forward-only children, so it ends within the node count even on a damaged tree.
	 */
	function leafIndex(tree: ShareTree, width: number): Int32Array {
		const index = new Int32Array(tree.feature.length);
		let leaf = 0;
		for (let i = 0; i < index.length; i++) index[i] = tree.feature[i] < 0 ? width * leaf++ : -1;
		return index;
	}

	function createTreesScorer(model: TreesDescription) {
		const indexes = model.trees.map((t) => leafIndex(t, model.leafWidth));
		const weight = model.combine === 'average' ? 1 / model.trees.length : 1;
		/** Probabilities for a classifier, the standardised value for regression. */
		return (x: Float32Array): number[] => {
			const acc = new Float64Array(model.columns);
			if (model.combine === 'sum') for (let c = 0; c < model.columns; c++) acc[c] = model.baseline[c];
			const sums = new Float64Array(model.columns);
			model.trees.forEach((tree, t) => {
				let node = 0;
				let f = tree.feature[0];
				for (let steps = 0; f >= 0 && steps < tree.feature.length; steps++) {
					const v = x[f];
					node = v <= tree.threshold[node] || (v !== v && tree.missingLeft[node] === 1) ? tree.left[node] : tree.right[node];
					f = tree.feature[node];
				}
				const at = indexes[t][node];
				if (model.leafWidth === model.columns) for (let c = 0; c < model.columns; c++) sums[c] += tree.leaves[at + c];
				else sums[t % model.columns] += tree.leaves[at];
			});
			for (let c = 0; c < model.columns; c++) acc[c] += sums[c] * weight;
			if (model.output === 'logistic') {
				const p = 1 / (1 + Math.exp(-acc[0]));
				return [1 - p, p];
			}
			if (model.output === 'softmax') {
				let max = -Infinity;
				for (let c = 0; c < acc.length; c++) if (acc[c] > max) max = acc[c];
				let sum = 0;
				for (let c = 0; c < acc.length; c++) sum += acc[c] = Math.exp(acc[c] - max);
				for (let c = 0; c < acc.length; c++) acc[c] /= sum;
			}
			return Array.from(acc);
		};
	}

	return { treesFromPortable, createTreesScorer };
}

export type KilnTreesRuntime = ReturnType<typeof kilnTreesRuntime>;
