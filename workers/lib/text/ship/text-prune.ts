import * as tf from '@tensorflow/tfjs-core';
import type { ModelArtifacts } from '$workers/protocol';
import { loadTextModel, serialiseTextModel } from '../nn/serialise';
import { trainTextModel } from '../nn/train-text';
import { prunable, pruneWeights } from './text-weights';

/**
 * Magnitude pruning of a text network with fine-tuning: the smallest `sparsity` share of each
 * matrix is zeroed, then the network trains `epochs` more on the run's training texts (Adam, the
 * run's rate and batch size, seeded) with the zeros put back after every step, so the result has
 * exactly the one-shot pattern of zeros and weights that learnt around it.
 */
export interface PruneTrainData {
	ids: Int32Array;
	labels: Int32Array;
	maxLength: number;
}

export async function fineTunePruned(weights: ModelArtifacts, sparsity: number, data: PruneTrainData, config: { epochs: number; batchSize: number; learningRate: number; seed: number }, signal?: AbortSignal): Promise<ModelArtifacts> {
	const model = loadTextModel(pruneWeights(weights, sparsity));
	const masks: [tf.Variable, tf.Tensor][] = [];
	try {
		for (const spec of model.params.specs()) {
			if (!prunable(spec)) continue;
			const v = model.params.get(spec.name);
			masks.push([v, tf.tidy(() => tf.cast(tf.notEqual(v, 0), 'float32'))]);
		}
		const rows = Int32Array.from({ length: data.labels.length }, (_, i) => i);
		await trainTextModel(
			model,
			{ ids: data.ids, maxLength: data.maxLength, labels: data.labels, train: rows, validation: new Int32Array(0) },
			{ epochs: config.epochs, batchSize: config.batchSize, learningRate: config.learningRate, patience: 0, clipNorm: 1, seed: config.seed },
			{ signal, afterStep: () => tf.tidy(() => masks.forEach(([v, m]) => v.assign(tf.mul(v, m)))) }
		);
		return await serialiseTextModel(model);
	} finally {
		masks.forEach(([, m]) => m.dispose());
		model.dispose();
	}
}
