import { KilnError } from '$shared/errors';
import type { BoostingModel, CategoricalNbModel, ClassicModel, ForestModel, GaussianNbModel, KnnModel, TreeArrays, TreeModel } from '$workers/lib/models/types';
import type { LazyDescription } from './kinds-lazy';
import type { ShareTree, TreesDescription } from './kinds';

/**
 * A link's tree ensemble back as a Kiln classic model (tree, forest or boosting), so an imported
 * link predicts through Kiln's own tree code. Thresholds are the link's float32 ones (rounded
 * down from Kiln's float64: for float32 inputs every row takes the same branch). The link carries
 * leaves only, no row counts: an inner node's value is the plain mean of its two children, so
 * path explanations still add up exactly to the prediction but weigh both branches equally, and
 * importances are zero (the run's notes say so).
 */
export function classicFromTrees(model: TreesDescription): ClassicModel {
	const task = model.output === 'value' ? 'regression' : 'classification';
	const outputs = task === 'classification' ? model.outputSize : 1;
	const gain = new Float64Array(model.inputSize);
	const notes = ['Imported from a share link, which carries leaf values only: importances are not known, and explanations weigh both branches of each split equally (they still add up to the prediction).'];
	const base = { task, inputSize: model.inputSize, outputs, notes } as const;
	if (model.combine === 'average') {
		if (model.output !== 'probabilities' && model.output !== 'value') throw new KilnError('ImportError', `A tree or forest link cannot give "${model.output}" outputs.`);
		const trees = model.trees.map((t) => treeArrays(t, model.leafWidth));
		if (trees.length === 1) return { ...base, family: 'tree', tree: trees[0], gain } satisfies TreeModel;
		return { ...base, family: 'forest', trees, gain, oobScore: null } satisfies ForestModel;
	}
	if (model.leafWidth !== 1) throw new KilnError('ImportError', 'A boosting link must hold one number per leaf.');
	const columns = model.columns;
	if (model.trees.length % columns !== 0) throw new KilnError('ImportError', `A boosting link must hold a whole number of rounds (${model.trees.length} trees for ${columns} columns).`);
	return {
		...base,
		family: 'boosting',
		baseline: Float64Array.from(model.baseline),
		trees: model.trees.map((t) => treeArrays(t, 1)),
		columns,
		gain,
		iterations: model.trees.length / columns,
		validationLoss: []
	} satisfies BoostingModel;
}

function treeArrays(tree: ShareTree, width: number): TreeArrays {
	const n = tree.feature.length;
	const value = new Float64Array(n * width);
	let leaf = 0;
	for (let i = 0; i < n; i++) {
		if (tree.feature[i] >= 0) continue;
		for (let c = 0; c < width; c++) value[i * width + c] = tree.leaves[leaf * width + c];
		leaf++;
	}
	// Children come after their parent (the link checks it), so one backward pass fills every inner node.
	for (let i = n - 1; i >= 0; i--) {
		if (tree.feature[i] < 0) continue;
		for (let c = 0; c < width; c++) value[i * width + c] = (value[tree.left[i] * width + c] + value[tree.right[i] * width + c]) / 2;
	}
	return {
		feature: Int32Array.from(tree.feature),
		threshold: Float64Array.from(tree.threshold),
		missingLeft: Uint8Array.from(tree.missingLeft),
		left: Int32Array.from(tree.left),
		right: Int32Array.from(tree.right),
		value,
		outputs: width
	};
}

/** A kNN or naive Bayes link back as Kiln's classic model: the link carries Kiln's own float64 numbers, so nothing is lost. */
export function classicFromLazy(m: LazyDescription): KnnModel | GaussianNbModel | CategoricalNbModel {
	const notes = ['Imported from a share link.'];
	if (m.kind === 'knn') {
		return { family: 'knn', task: m.task, inputSize: m.inputSize, outputs: m.outputSize, notes, standardiser: { mean: Float64Array.from(m.mean), scale: Float64Array.from(m.scale) }, k: m.k, weights: m.weights, x: Float32Array.from(m.x), y: m.y instanceof Int32Array ? Int32Array.from(m.y) : Float32Array.from(m.y), rows: m.rows };
	}
	const logPrior = Float64Array.from(m.logPrior);
	if (m.kind === 'gaussian-nb') return { family: 'gaussian-nb', task: 'classification', inputSize: m.inputSize, outputs: m.outputSize, notes, logPrior, mean: Float64Array.from(m.mean), variance: Float64Array.from(m.variance) };
	return { family: 'categorical-nb', task: 'classification', inputSize: m.inputSize, outputs: m.outputSize, notes, logPrior, edges: m.edges.map((e) => Float64Array.from(e)), logProb: m.logProb.map((p) => Float64Array.from(p)) };
}
