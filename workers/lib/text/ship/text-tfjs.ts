import { strToU8, zipSync } from 'fflate';
import type { ModelArtifacts } from '$workers/protocol';
import { tfjsFiles } from '$workers/lib/ship/measure';
import { textSidecar } from '../onnx/text-export';
import type { TextRunTopology } from '../text-run';

/**
 * TensorFlow.js files of a text run (the original or a trade-off variant): model.json +
 * weights.bin in tfjs's manifest format, text.json (the same sidecar as the ONNX export: the
 * tokeniser's rules and vocabulary, or the TF-IDF terms and weighting), and a README.
 * A TF-IDF model is a standard layers model (tf.loadLayersModel reads it). A network's model.json
 * holds Kiln's text-model config as its topology (format "kiln-text-model"): tfjs-layers has no
 * layer for its masked pooling, recurrent steps or attention as Kiln computes them, so the weights
 * load with tf.io (browserFiles / fromMemory → weightSpecs + weightData) into Kiln's TextModel;
 * the ONNX export is the form for other runtimes.
 */
export function textTfjsZip(topology: TextRunTopology, weights: ModelArtifacts, classes: string[], variantLabel: string): Uint8Array {
	const sidecar = textSidecar(topology, classes);
	const { json, weights: bin } = tfjsFiles(weights);
	const linear = topology.kind === 'linear';
	const model = linear ? json : strToU8(JSON.stringify({ format: 'kiln-text-model', generatedBy: 'Kiln', modelTopology: weights.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: weights.weightSpecs }] }));
	const readme = [
		`TensorFlow.js files of a Kiln text run (${variantLabel}).`,
		linear
			? 'model.json is a layers model (Dense over the TF-IDF vector, softmax): tf.loadLayersModel(tf.io.browserFiles([modelJsonFile, weightsBinFile])). Input float32 [N, terms] made by text.json\'s steps; output class probabilities in the order of text.json "classes".'
			: 'model.json holds Kiln\'s text-model config (format "kiln-text-model") and a standard tfjs weights manifest: tf.io.browserFiles([modelJsonFile, weightsBinFile]).load() gives the weightSpecs and weightData (quantised weights are decoded by tf.io.decodeWeights) that Kiln\'s TextModel rebuilds from. It is not a tf.loadLayersModel file; for another runtime use the ONNX export, which takes the same token ids.',
		'text.json: how raw text becomes the model input (the same sidecar as the ONNX export):',
		...sidecar.steps,
		''
	].join('\n');
	return zipSync({ 'model.json': model, 'weights.bin': bin, 'text.json': strToU8(JSON.stringify(sidecar)), 'README.txt': strToU8(readme) }, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') });
}
