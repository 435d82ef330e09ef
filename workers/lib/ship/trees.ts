import { KilnError } from '$shared/errors';
import type { DecisionTree, TreeEnsemble } from './types';

/**
 * Checks and a reference evaluation of Kiln's tree description (types.ts). The evaluation is
 * what the ONNX-ML export must reproduce: float32 comparisons, per-class leaf values summed (or
 * averaged) over trees, base values, then the post transform.
 */

/** Number of scores per row: classes for classification, 1 for regression. */
export function outputWidth(ensemble: TreeEnsemble): number {
	return ensemble.task === 'classification' ? (ensemble.classes?.length ?? 0) : 1;
}

function bad(message: string): never {
	throw new KilnError('ExportError', message);
}

/** Throws a message naming the tree and node when the ensemble is not a set of proper trees. */
export function validateEnsemble(ensemble: TreeEnsemble): void {
	const width = outputWidth(ensemble);
	if (ensemble.task === 'classification' && width < 2) bad('A tree classifier needs at least two classes.');
	if (!Number.isInteger(ensemble.featureCount) || ensemble.featureCount < 1) bad('featureCount must be a whole number of at least 1.');
	if (ensemble.trees.length === 0) bad('The ensemble has no trees.');
	if (ensemble.baseValues && ensemble.baseValues.length !== width) bad(`baseValues needs ${width} value(s), got ${ensemble.baseValues.length}.`);
	ensemble.trees.forEach((tree, t) => validateTree(tree, t, width, ensemble.featureCount));
}

function validateTree(tree: DecisionTree, t: number, width: number, features: number): void {
	const nodes = tree.nodes;
	if (nodes.length === 0) bad(`Tree ${t} has no nodes.`);
	// Each node must be reached exactly once from the root: no cycles, no shared children.
	const seen = new Uint8Array(nodes.length);
	const stack = [0];
	while (stack.length > 0) {
		const i = stack.pop()!;
		if (seen[i]) bad(`Tree ${t}: node ${i} is reached twice; a tree must not share or loop back to nodes.`);
		seen[i] = 1;
		const n = nodes[i];
		if (n.feature === -1) {
			if (!n.value || n.value.length !== width || !n.value.every(Number.isFinite)) bad(`Tree ${t}: leaf ${i} needs ${width} finite value(s).`);
			continue;
		}
		if (!Number.isInteger(n.feature) || n.feature < 0 || n.feature >= features) bad(`Tree ${t}: node ${i} splits on feature ${n.feature}, outside 0..${features - 1}.`);
		if (!Number.isFinite(n.threshold)) bad(`Tree ${t}: node ${i} has threshold ${n.threshold}.`);
		for (const child of [n.left, n.right]) {
			if (!Number.isInteger(child) || child <= 0 || child >= nodes.length) bad(`Tree ${t}: node ${i} points to child ${child}, outside 1..${nodes.length - 1}.`);
			stack.push(child);
		}
	}
	const orphan = seen.indexOf(0);
	if (orphan >= 0) bad(`Tree ${t}: node ${orphan} cannot be reached from the root (node 0).`);
}

/** Leaf reached by one row (row-major `x`, `offset` = row start). */
export function leafIndex(tree: DecisionTree, x: ArrayLike<number>, offset: number): number {
	let i = 0;
	for (;;) {
		const n = tree.nodes[i];
		if (n.feature === -1) return i;
		const v = x[offset + n.feature];
		const left = Number.isNaN(v) ? n.missingGoesLeft : Math.fround(v) <= Math.fround(n.threshold);
		i = left ? n.left : n.right;
	}
}

/** Scores [rows × width] after the post transform (probabilities for classifiers). */
export function evaluateEnsemble(ensemble: TreeEnsemble, x: ArrayLike<number>, rows: number): Float64Array {
	validateEnsemble(ensemble);
	const width = outputWidth(ensemble);
	const features = ensemble.featureCount;
	const out = new Float64Array(rows * width);
	const scale = ensemble.aggregate === 'average' ? 1 / ensemble.trees.length : 1;
	for (let r = 0; r < rows; r++) {
		const row = out.subarray(r * width, (r + 1) * width);
		for (const tree of ensemble.trees) {
			const value = tree.nodes[leafIndex(tree, x, r * features)].value!;
			for (let c = 0; c < width; c++) row[c] += value[c] * scale;
		}
		for (let c = 0; c < width; c++) row[c] += ensemble.baseValues?.[c] ?? 0;
		if (ensemble.postTransform === 'logistic') for (let c = 0; c < width; c++) row[c] = 1 / (1 + Math.exp(-row[c]));
		if (ensemble.postTransform === 'softmax') {
			const max = Math.max(...row);
			let sum = 0;
			for (let c = 0; c < width; c++) sum += row[c] = Math.exp(row[c] - max);
			for (let c = 0; c < width; c++) row[c] /= sum;
		}
	}
	return out;
}
