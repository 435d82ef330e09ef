import { KilnError } from '$shared/errors';
import { rawCoefficients } from '$workers/lib/models/linear';
import type { ClassicModel, TreeArrays } from '$workers/lib/models/types';
import type { ShareTree, TreesDescription } from './kinds';
import type { LazyDescription } from './kinds-lazy';
import type { ModelDescription } from './types';

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

/**
 * The largest float32 not above t. Kiln compares float32 inputs with float64 thresholds; for a
 * float32 x, x <= t exactly when x <= (t rounded down to float32), so the link's float32
 * thresholds send every row down the same branch.
 */
export function float32Below(t: number): number {
	F32[0] = t;
	if (F32[0] <= t) return F32[0];
	// Stepping the bit pattern one unit towards −∞ (sign-magnitude: up for negatives, down for positives).
	I32[0] += F32[0] > 0 ? -1 : F32[0] < 0 ? 1 : 0;
	if (F32[0] === 0 && t < 0) I32[0] = 0x80000001 | 0;
	return F32[0];
}

function shareTree(tree: TreeArrays, leafWidth: number): ShareTree {
	const n = tree.feature.length;
	const leaves: number[] = [];
	const threshold = new Float32Array(n);
	for (let i = 0; i < n; i++) {
		if (tree.feature[i] < 0) for (let c = 0; c < leafWidth; c++) leaves.push(tree.value[i * tree.outputs + c]);
		else threshold[i] = float32Below(tree.threshold[i]);
	}
	const left = Int32Array.from(tree.left, (v, i) => (tree.feature[i] < 0 ? -1 : v));
	const right = Int32Array.from(tree.right, (v, i) => (tree.feature[i] < 0 ? -1 : v));
	const missingLeft = Uint8Array.from(tree.missingLeft, (v, i) => (tree.feature[i] < 0 ? 0 : v));
	return { feature: Int32Array.from(tree.feature, (f) => (f < 0 ? -1 : f)), threshold, missingLeft, left, right, leaves: Float32Array.from(leaves) };
}

/** Classes, or 1 for regression. */
const widthOf = (m: ClassicModel) => (m.task === 'classification' ? m.outputs : 1);

/** An empty class's log-prior of −∞ as a finite number that gives it the same zero probability. */
const finiteLog = (v: Float64Array) => v.map((x) => (x === -Infinity ? -1e300 : x));

/**
 * A classic model in the form a share link carries: linear models as one float32 dense layer
 * (the standardiser folded into the weights), trees, forests and boosting as a tree ensemble,
 * kNN (with its standardised training rows) and naive Bayes with Kiln's float64 numbers.
 */
export function classicShareModel(model: ClassicModel): ModelDescription | TreesDescription | LazyDescription {
	const classes = widthOf(model);
	switch (model.family) {
		case 'linear': {
			const { coef, intercept } = rawCoefficients(model);
			const columns = intercept.length;
			// Binary logistic: logits [0, z] give softmax = [1 − σ(z), σ(z)], the model's own probabilities.
			const units = model.task === 'classification' && columns === 1 ? 2 : columns;
			const shift = units - columns;
			const kernel = new Float32Array(model.inputSize * units);
			const bias = new Float32Array(units);
			for (let c = 0; c < columns; c++) bias[c + shift] = intercept[c];
			for (let j = 0; j < model.inputSize; j++) for (let c = 0; c < columns; c++) kernel[j * units + c + shift] = coef[j * columns + c];
			return { inputSize: model.inputSize, outputSize: classes, layers: [{ type: 'dense', inputs: model.inputSize, units, kernel: { dtype: 'float32', values: kernel }, bias, activation: model.task === 'classification' ? 'softmax' : 'linear' }] };
		}
		case 'tree':
		case 'forest': {
			const trees = model.family === 'tree' ? [model.tree] : model.trees;
			return { kind: 'trees', inputSize: model.inputSize, outputSize: classes, combine: 'average', leafWidth: classes, columns: classes, baseline: new Float32Array(classes), output: model.task === 'classification' ? 'probabilities' : 'value', trees: trees.map((t) => shareTree(t, classes)) };
		}
		case 'boosting': {
			const columns = model.columns;
			const output = model.task === 'regression' ? 'value' : columns === 1 ? 'logistic' : 'softmax';
			return { kind: 'trees', inputSize: model.inputSize, outputSize: classes, combine: 'sum', leafWidth: 1, columns, baseline: Float32Array.from(model.baseline), output, trees: model.trees.map((t) => shareTree(t, 1)) };
		}
		case 'knn':
			return {
				kind: 'knn',
				inputSize: model.inputSize,
				outputSize: classes,
				task: model.task,
				k: model.k,
				weights: model.weights,
				rows: model.rows,
				mean: Float64Array.from(model.standardiser.mean),
				scale: Float64Array.from(model.standardiser.scale),
				x: Float32Array.from(model.x),
				y: model.task === 'classification' ? Int32Array.from(model.y) : Float32Array.from(model.y)
			};
		case 'gaussian-nb':
			return { kind: 'gaussian-nb', inputSize: model.inputSize, outputSize: classes, logPrior: finiteLog(model.logPrior), mean: Float64Array.from(model.mean), variance: Float64Array.from(model.variance) };
		case 'categorical-nb':
			return { kind: 'categorical-nb', inputSize: model.inputSize, outputSize: classes, logPrior: finiteLog(model.logPrior), edges: model.edges.map((e) => Float64Array.from(e)), logProb: model.logProb.map((p) => finiteLog(p)) };
		default:
			throw new KilnError('ExportError', 'This classic model family cannot be shared in a link.');
	}
}
