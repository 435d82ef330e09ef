import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { serializeModel } from '$workers/lib/model';
import { readWeights, writeWeights } from '$workers/lib/ship/tfjs-weights';
import type { TextLinearModel } from '../linear-text';
import type { TextRunTopology } from '../text-run';

/**
 * A text run's weights as tfjs artifacts, the form the tfjs files and the compressed variants take:
 * for a network, its own weight buffer with the run's topology; for a TF-IDF model, a one-layer
 * tfjs-layers model (Dense terms → classes, softmax) holding the weights and bias, so
 * tf.loadLayersModel reads it. And back: a variant's (possibly quantised) weights into the run's form.
 */

export type NeuralTopology = Extract<TextRunTopology, { kind: 'neural' }>;
export type LinearTopology = Extract<TextRunTopology, { kind: 'linear' }>;

/** The TF-IDF model as a tfjs-layers Dense + softmax model (the same scores as predictTextLinear). */
export async function linearLayersArtifacts(model: TextLinearModel): Promise<ModelArtifacts> {
	const terms = model.tfidf.terms.length;
	const k = model.classes.length;
	const layers = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [terms], units: k, activation: 'softmax', name: 'tfidf_linear' })] });
	try {
		tf.tidy(() => layers.setWeights([tf.tensor2d(Float32Array.from(model.weights), [terms, k]), tf.tensor1d(Float32Array.from(model.bias))]));
		return await serializeModel(layers);
	} finally {
		layers.dispose();
	}
}

/** Float32 artifacts of any (quantised) artifacts: what tfjs loads them as. */
export function dequantised(artifacts: ModelArtifacts): ModelArtifacts {
	const entries = readWeights(artifacts);
	return writeWeights({ ...artifacts, weightSpecs: entries.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }, entries);
}

/** The linear model with the weights of (possibly quantised or pruned) Dense artifacts. */
export function linearWithWeights(model: TextLinearModel, artifacts: ModelArtifacts): TextLinearModel {
	const [kernel, bias] = readWeights(artifacts);
	if (!kernel || !bias || kernel.values.length !== model.weights.length || bias.values.length !== model.bias.length) throw new KilnError('ModelFormatError', 'The variant’s weights do not fit the TF-IDF model (terms × classes); it belongs to another run.');
	return { ...model, weights: Array.from(kernel.values), bias: Array.from(bias.values) };
}

/** A network's stored weights with its own topology (the form loadTextModel reads). */
export function networkArtifacts(topology: NeuralTopology, artifacts: ModelArtifacts): ModelArtifacts {
	return { modelTopology: topology.network, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData };
}

/** The weights compression may prune: matrices (embeddings, kernels), never biases or norm scales. */
export function prunable(weight: { name: string; shape: number[] }): boolean {
	return weight.shape.length >= 2 && !/position/.test(weight.name);
}

/** Zero the `sparsity` share of smallest-magnitude values in each prunable weight (one shot, no fine-tuning). */
export function pruneWeights(artifacts: ModelArtifacts, sparsity: number): ModelArtifacts {
	const entries = readWeights(artifacts).map((e) => {
		if (!prunable(e) || e.dtype !== 'float32') return e;
		const values = Float32Array.from(e.values);
		const order = Float32Array.from(values, Math.abs).sort();
		const cut = Math.floor(sparsity * values.length);
		if (cut === 0) return e;
		const threshold = order[cut - 1];
		let zeroed = 0;
		// Ties at the threshold: zero only as many as the share asks, so the sparsity is exact.
		for (let i = 0; i < values.length && zeroed < cut; i++) if (Math.abs(values[i]) < threshold) (values[i] = 0), zeroed++;
		for (let i = 0; i < values.length && zeroed < cut; i++) if (values[i] !== 0 && Math.abs(values[i]) === threshold) (values[i] = 0), zeroed++;
		return { ...e, values };
	});
	return writeWeights({ ...artifacts, weightSpecs: entries.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }, entries);
}
