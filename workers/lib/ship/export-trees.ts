import { DataType, GraphBuilder, ML_DOMAIN } from './onnx-builder';
import { outputWidth, validateEnsemble } from './trees';
import type { TreeEnsemble } from './types';

/**
 * A tree ensemble as ONNX-ML TreeEnsembleClassifier / TreeEnsembleRegressor (ai.onnx.ml 3).
 * Input `input` [N, featureCount] float. Classifier outputs `label` [N] int64 (class index) and
 * `probabilities` [N, classes]; regressor outputs `y` [N, 1].
 *
 * The classifier op always sums over trees, so averaging is folded into the leaf weights.
 * With two classes ORT's TreeEnsembleClassifier switches to a binary special case that rewrites
 * the scores (class 1 becomes base + score of class 0, class 0 its negation), so two-class
 * ensembles go through TreeEnsembleRegressor with two targets and plain Softmax / Sigmoid /
 * ArgMax nodes instead: same outputs, no special case.
 */
export function exportTreesOnnx(ensemble: TreeEnsemble): Uint8Array {
	validateEnsemble(ensemble);
	const width = outputWidth(ensemble);
	const scale = ensemble.aggregate === 'average' && ensemble.task === 'classification' ? 1 / ensemble.trees.length : 1;
	const nodes = { treeIds: [] as number[], nodeIds: [] as number[], featureIds: [] as number[], values: [] as number[], modes: [] as string[], trueIds: [] as number[], falseIds: [] as number[], missingTrue: [] as number[] };
	const leaves = { treeIds: [] as number[], nodeIds: [] as number[], ids: [] as number[], weights: [] as number[] };
	ensemble.trees.forEach((tree, t) => {
		tree.nodes.forEach((n, i) => {
			const leaf = n.feature === -1;
			nodes.treeIds.push(t);
			nodes.nodeIds.push(i);
			nodes.featureIds.push(leaf ? 0 : n.feature);
			nodes.values.push(leaf ? 0 : n.threshold);
			nodes.modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
			nodes.trueIds.push(leaf ? 0 : n.left);
			nodes.falseIds.push(leaf ? 0 : n.right);
			nodes.missingTrue.push(!leaf && n.missingGoesLeft ? 1 : 0);
			if (!leaf) return;
			for (let c = 0; c < width; c++) {
				leaves.treeIds.push(t);
				leaves.nodeIds.push(i);
				leaves.ids.push(c);
				leaves.weights.push(n.value![c] * scale);
			}
		});
	});
	const g = new GraphBuilder(13);
	g.useDomain(ML_DOMAIN, 3);
	const x = g.input('input', DataType.FLOAT, ['N', ensemble.featureCount]);
	const common = {
		nodes_treeids: { ints: nodes.treeIds },
		nodes_nodeids: { ints: nodes.nodeIds },
		nodes_featureids: { ints: nodes.featureIds },
		nodes_values: { floats: nodes.values },
		nodes_modes: { strings: nodes.modes },
		nodes_truenodeids: { ints: nodes.trueIds },
		nodes_falsenodeids: { ints: nodes.falseIds },
		nodes_missing_value_tracks_true: { ints: nodes.missingTrue },
		post_transform: { s: ensemble.postTransform.toUpperCase() },
		base_values: { floats: ensemble.baseValues ?? new Array<number>(width).fill(0) }
	};
	if (ensemble.task === 'classification' && width === 2) {
		const scores = g.node('TreeEnsembleRegressor', [x], { ...common, ...regressorTargets(leaves, width, 'sum'), post_transform: { s: 'NONE' } }, { domain: ML_DOMAIN });
		const transformed = ensemble.postTransform === 'softmax' ? g.node('Softmax', [scores], { axis: { i: 1 } }) : ensemble.postTransform === 'logistic' ? g.node('Sigmoid', [scores]) : scores;
		g.output(g.node('ArgMax', [transformed], { axis: { i: 1 }, keepdims: { i: 0 } }), 'label', DataType.INT64, ['N']);
		g.output(transformed, 'probabilities', DataType.FLOAT, ['N', width]);
		return g.encode('trees', 'Tree ensemble classifier (two classes) exported by Kiln.');
	}
	if (ensemble.task === 'classification') {
		g.claimOutput('label');
		g.claimOutput('probabilities');
		g.nodeOutputs(
			'TreeEnsembleClassifier',
			[x],
			{
				...common,
				class_treeids: { ints: leaves.treeIds },
				class_nodeids: { ints: leaves.nodeIds },
				class_ids: { ints: leaves.ids },
				class_weights: { floats: leaves.weights },
				classlabels_int64s: { ints: Array.from({ length: width }, (_, c) => c) }
			},
			{ domain: ML_DOMAIN, outputNames: ['label', 'probabilities'] }
		);
		g.output('label', 'label', DataType.INT64, ['N']);
		g.output('probabilities', 'probabilities', DataType.FLOAT, ['N', width]);
		return g.encode('trees', 'Tree ensemble classifier exported by Kiln.');
	}
	const y = g.node(
		'TreeEnsembleRegressor',
		[x],
		{ ...common, ...regressorTargets(leaves, 1, ensemble.aggregate) },
		{ domain: ML_DOMAIN }
	);
	g.output(y, 'y', DataType.FLOAT, ['N', 1]);
	return g.encode('trees', 'Tree ensemble regressor exported by Kiln.');
}

function regressorTargets(leaves: { treeIds: number[]; nodeIds: number[]; ids: number[]; weights: number[] }, targets: number, aggregate: 'sum' | 'average') {
	return {
		target_treeids: { ints: leaves.treeIds },
		target_nodeids: { ints: leaves.nodeIds },
		target_ids: { ints: leaves.ids },
		target_weights: { floats: leaves.weights },
		n_targets: { i: targets },
		aggregate_function: { s: aggregate.toUpperCase() }
	};
}
