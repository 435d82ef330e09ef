import { KilnError } from '$shared/errors';
import { DataType, GraphBuilder } from '$workers/lib/ship/onnx-builder';
import type { TextLinearModel } from '../linear-text';

/**
 * A TF-IDF + linear text model (logistic regression or naive Bayes) as ONNX: the TF-IDF vector
 * (float [N, terms], built by the sidecar's rules) → Gemm with the model's weights → Softmax, as
 * `predictTextLinear` scores it. The vocabulary, idf and tokeniser rules travel in the sidecar.
 */

export const TFIDF_ONNX_INPUT = 'tfidf';

export function textLinearOnnx(model: TextLinearModel): Uint8Array {
	const terms = model.tfidf.terms.length;
	const k = model.classes.length;
	if (terms === 0) throw new KilnError('ExportError', 'This TF-IDF model has no terms, so there is nothing to export.');
	if (model.weights.length !== terms * k || model.bias.length !== k) throw new KilnError('ModelFormatError', `The TF-IDF model's weights (${model.weights.length}) or bias (${model.bias.length}) do not fit ${terms} terms × ${k} classes; the stored model is damaged.`);
	const g = new GraphBuilder(13);
	const x = g.input(TFIDF_ONNX_INPUT, DataType.FLOAT, ['N', terms]);
	g.claimOutput('logits');
	g.claimOutput('probabilities');
	const logits = g.node('Gemm', [x, g.float('weights', Float32Array.from(model.weights), [terms, k]), g.float('bias', Float32Array.from(model.bias), [k])]);
	g.output(logits, 'logits', DataType.FLOAT, ['N', k]);
	g.output(g.node('Softmax', [logits], { axis: { i: -1 } }), 'probabilities', DataType.FLOAT, ['N', k]);
	return g.encode('kiln-text-tfidf', `Kiln TF-IDF + ${model.kind === 'logistic' ? 'logistic regression' : 'naive Bayes'}; the TF-IDF vector from the sidecar's rules in, class probabilities out.`);
}
