import { KilnError } from '$shared/errors';
import { DataType, GraphBuilder } from './onnx-builder';
import type { LinearOnnxOptions, LinearTask } from './types';

/**
 * A linear model given as plain arrays (ridge, lasso, logistic regression, linear SVM scores...)
 * as ONNX: `coef` is row-major [inputs × outputs], `intercept` has one value per output.
 * Outputs: regression `y` [N, out]; classification `logits` [N, out] and `probabilities`
 * (softmax, or for a single output the binary pair [1 − σ, σ]).
 */
export function exportLinearOnnx(coef: Float32Array, intercept: Float32Array | number[], task: LinearTask, options: LinearOnnxOptions = {}): Uint8Array {
	const outputs = intercept.length;
	if (outputs < 1) throw new KilnError('ExportError', 'The intercept is empty; a linear model needs one intercept per output.');
	if (coef.length === 0 || coef.length % outputs !== 0) {
		throw new KilnError('ExportError', `The coefficients (${coef.length} values) do not divide into ${outputs} output column(s); expected inputs × ${outputs} values, row-major.`);
	}
	if (!coef.every(Number.isFinite) || !Array.from(intercept).every(Number.isFinite)) throw new KilnError('ExportError', 'The linear model has a weight that is not a finite number.');
	const inputs = coef.length / outputs;
	const g = new GraphBuilder(options.opset ?? 13);
	const x = g.input(options.inputName ?? 'input', DataType.FLOAT, ['N', inputs]);
	const scores = g.node('Gemm', [x, g.float('coef', coef, [inputs, outputs]), g.float('intercept', Array.from(intercept), [outputs])]);
	if (task === 'regression') {
		g.output(scores, 'y', DataType.FLOAT, ['N', outputs]);
		return g.encode('linear', 'Linear regression exported by Kiln.');
	}
	g.output(scores, 'logits', DataType.FLOAT, ['N', outputs]);
	if (outputs === 1) {
		const p = g.node('Sigmoid', [scores]);
		const q = g.node('Sub', [g.float('one', [1], []), p]);
		g.output(g.node('Concat', [q, p], { axis: { i: 1 } }), 'probabilities', DataType.FLOAT, ['N', 2]);
	} else {
		g.output(g.node('Softmax', [scores], { axis: { i: 1 } }), 'probabilities', DataType.FLOAT, ['N', outputs]);
	}
	return g.encode('linear', 'Linear classifier exported by Kiln.');
}
