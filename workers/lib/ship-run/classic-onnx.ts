import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { classicFamilyOf, classicFromArtifacts } from '$workers/lib/model-lab/artifacts';
import type { BoostingModel, ClassicFamily, ClassicModel, LinearModel, TreeArrays } from '$workers/lib/models/types';
import { exportLinearOnnx, exportTreesOnnx, type DecisionTree, type TreeEnsemble } from '$workers/lib/ship';
import { DataType, GraphBuilder } from '$workers/lib/ship/onnx-builder';
import { embedModel } from '$workers/lib/ship/onnx-compose';

/**
 * A classic (non-neural) run's model as an ONNX graph with the same seam as the network exports:
 * input `features` [N, inputSize] (Kiln's encoded row), output `output` — class probabilities
 * for a classifier, the standardised target for a regressor (classic models fit on it too).
 * Linear models go through exportLinearOnnx, trees, forests and boosting through the ONNX-ML
 * TreeEnsemble ops of exportTreesOnnx. kNN and naive Bayes have no export here.
 */

export const ONNX_CLASSIC_FAMILIES: readonly ClassicFamily[] = ['linear', 'tree', 'forest', 'boosting'];

const FAMILY_NAMES: Record<ClassicFamily, string> = {
	linear: 'solver-fitted linear model',
	knn: 'k-nearest neighbours',
	'gaussian-nb': 'Gaussian naive Bayes',
	'categorical-nb': 'categorical naive Bayes',
	tree: 'decision tree',
	forest: 'random forest',
	boosting: 'gradient boosting'
};

/** Null when the stored model can be exported; otherwise the sentence saying why not. */
export function classicExportRefusal(artifacts: ModelArtifacts): string | null {
	const family = classicFamilyOf(artifacts);
	if (!family || ONNX_CLASSIC_FAMILIES.includes(family)) return null;
	return `A ${FAMILY_NAMES[family]} model cannot be exported to ONNX: ONNX has no operator for it (${family === 'knn' ? 'it keeps its training rows and searches them' : 'its per-class likelihoods have no standard ONNX op'}). Linear models, trees, forests and gradient boosting export; the project bundle moves this run.`;
}

/** The largest float32 not above `t`, so `float32(v) <= it` exactly when `v <= t` (Kiln compares in float64). */
export function float32Floor(t: number): number {
	const f = Math.fround(t);
	if (f <= t || !Number.isFinite(f)) return f;
	const bits = new Float32Array([f]);
	const u = new Int32Array(bits.buffer);
	u[0] += f > 0 ? -1 : 1;
	if (f === 0) bits[0] = -1.401298464324817e-45;
	return bits[0];
}

/** One flat tree as the export's node objects; `place(value)` spreads its leaf values over the outputs. */
function toDecisionTree(tree: TreeArrays, place: (value: Float64Array) => number[]): DecisionTree {
	const nodes = Array.from(tree.feature, (feature, i) => {
		if (feature < 0) return { feature: -1, threshold: 0, left: -1, right: -1, missingGoesLeft: false, value: place(tree.value.subarray(i * tree.outputs, (i + 1) * tree.outputs)) };
		return { feature, threshold: float32Floor(tree.threshold[i]), left: tree.left[i], right: tree.right[i], missingGoesLeft: tree.missingLeft[i] === 1 };
	});
	return { nodes };
}

function classes(model: ClassicModel): string[] | undefined {
	return model.task === 'classification' ? Array.from({ length: model.outputs }, (_, c) => String(c)) : undefined;
}

function boostingEnsemble(model: BoostingModel): TreeEnsemble {
	const { columns } = model;
	const width = model.task === 'classification' ? model.outputs : 1;
	// A binary booster has one log-odds column; [0, s] through softmax is [1 − σ(s), σ(s)], as Kiln predicts.
	const slot = (t: number) => (columns === 1 ? width - 1 : t % columns);
	return {
		task: model.task,
		featureCount: model.inputSize,
		classes: classes(model),
		aggregate: 'sum',
		postTransform: model.task === 'classification' ? 'softmax' : 'none',
		baseValues: columns === 1 && width === 2 ? [0, model.baseline[0]] : Array.from(model.baseline),
		trees: model.trees.map((tree, t) =>
			toDecisionTree(tree, (value) => {
				const out = new Array<number>(width).fill(0);
				out[slot(t)] = value[0];
				return out;
			})
		)
	};
}

export function classicEnsemble(model: ClassicModel): TreeEnsemble {
	if (model.family === 'boosting') return boostingEnsemble(model);
	if (model.family !== 'tree' && model.family !== 'forest') throw new KilnError('ExportError', `A ${model.family} model is not a tree ensemble.`);
	const trees = model.family === 'tree' ? [model.tree] : model.trees;
	return {
		task: model.task,
		featureCount: model.inputSize,
		classes: classes(model),
		aggregate: model.family === 'forest' ? 'average' : 'sum',
		postTransform: 'none',
		trees: trees.map((tree) => toDecisionTree(tree, (value) => Array.from(value)))
	};
}

/** Standardise as Kiln's linear model does (missing → the mean), then its coefficients. */
function linearGraph(model: LinearModel): { g: GraphBuilder; x: string; scores: Record<string, string> } {
	const g = new GraphBuilder(13);
	const x = g.input('features', DataType.FLOAT, ['N', model.inputSize]);
	const z = g.node('Div', [g.node('Sub', [x, g.float('mean', Float32Array.from(model.standardiser.mean))]), g.float('scale', Float32Array.from(model.standardiser.scale))]);
	const filled = g.node('Where', [g.node('IsNaN', [x]), g.float('zero', [0], []), z]);
	const linear = exportLinearOnnx(Float32Array.from(model.coef), Array.from(model.intercept), model.task);
	return { g, x, scores: embedModel(g, linear, 'linear/', { input: filled }) };
}

/** The stored classic model as ONNX: `features` in, `output` (probabilities or standardised value) out. */
export function classicModelOnnx(artifacts: ModelArtifacts): Uint8Array {
	const refusal = classicExportRefusal(artifacts);
	if (refusal) throw new KilnError('ExportError', refusal);
	const model = classicFromArtifacts(artifacts);
	const width = model.task === 'classification' ? model.outputs : 1;
	if (model.family === 'linear') {
		const { g, scores } = linearGraph(model);
		g.output(model.task === 'classification' ? scores.probabilities : scores.y, 'output', DataType.FLOAT, ['N', width]);
		return g.encode('classic', 'Kiln linear model (standardised inputs) exported by Kiln.');
	}
	const trees = exportTreesOnnx(classicEnsemble(model));
	const g = new GraphBuilder(13);
	const x = g.input('features', DataType.FLOAT, ['N', model.inputSize]);
	const out = embedModel(g, trees, 'trees/', { input: x });
	g.output(model.task === 'classification' ? out.probabilities : out.y, 'output', DataType.FLOAT, ['N', width]);
	return g.encode('classic', `Kiln ${model.family} exported by Kiln as ONNX-ML TreeEnsemble.`);
}
