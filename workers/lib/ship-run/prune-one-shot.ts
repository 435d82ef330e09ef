import * as tf from '@tensorflow/tfjs-core';
import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { deserializeModel, serializeModel } from '$workers/lib/model';
import { magnitudeMask } from '$workers/lib/ship/prune-magnitude';

/** Kernels magnitude pruning works on; biases and batch-norm parameters stay whole. */
const PRUNABLE = /(^|\/)(kernel|depthwise_kernel|pointwise_kernel)(_\d+)?$/;

/**
 * Zero the smallest-magnitude share `sparsity` of every kernel at once, with no fine-tuning:
 * the "before fine-tuning" row of the trade-off table, which shows what fine-tuning buys.
 */
export async function pruneOneShot(artifacts: ModelArtifacts, sparsity: number): Promise<ModelArtifacts> {
	if (!(sparsity > 0 && sparsity < 1)) throw new KilnError('ValidationError', `Sparsity ${sparsity} is out of range: use a share of zeros above 0 and below 1.`);
	const model = await deserializeModel(artifacts);
	try {
		const kernels = model.trainableWeights.filter((w) => PRUNABLE.test(w.originalName));
		if (kernels.length === 0) throw new KilnError('TrainingError', 'The model has no kernels to prune.');
		for (const w of kernels) {
			const values = w.read().dataSync() as Float32Array;
			const masked = tf.tensor(magnitudeMask(values, sparsity).map((m, i) => m * values[i]), w.shape as number[]);
			w.write(masked);
			masked.dispose();
		}
		return await serializeModel(model);
	} finally {
		model.dispose();
	}
}
