import * as tf from '@tensorflow/tfjs-core';
import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { deserializeModel, serializeModel } from '$workers/lib/model';
import { fineTune, validateFineTune } from './fine-tune';
import { weightStats } from './prune-stats';
import { quantizeSymmetric } from './quantize-onnx';
import type { FineTuneOptions, PruneEpoch, PruneResult } from './types';

/** Weights the int8 export quantises: Dense and conv kernels, recurrent kernels and embeddings (not biases). */
const QUANTISED = /(^|\/)(kernel|depthwise_kernel|pointwise_kernel|recurrent_kernel|embeddings)(_\d+)?$/;

/**
 * The weights as the int8 export stores them: symmetric int8 with one scale per output channel
 * (the last axis of a tfjs kernel, as quantizeOnnxWeights quantises its MatMul / Conv weights),
 * dequantised back to float32. Embeddings [vocabulary × width] quantise per row (axis 0), as the
 * export's Gather weights do.
 */
export function fakeQuantize(values: Float32Array, shape: number[], name: string): Float32Array {
	const rank = shape.length;
	if (rank < 2) return values.slice();
	const axis = /embeddings(_\d+)?$/.test(name) ? 0 : rank - 1;
	// quantizeSymmetric takes the channel axis in row-major order; a tfjs kernel's last axis is innermost.
	const q = quantizeSymmetric(values, shape, axis);
	const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
	const channels = shape[axis];
	return Float32Array.from(q.values, (v, i) => v * q.scales[Math.floor(i / inner) % channels]);
}

/**
 * Quantisation-aware fine-tuning (Jacob et al. 2018; TF-MOT's QAT with the straight-through
 * estimator): the forward pass and the gradient see the int8-rounded kernels, while the update
 * accumulates in float "shadow" kernels, which are rounded again after every step. The model
 * returned holds the rounded kernels, exactly on the int8 grid of the export, so quantising it
 * loses nothing further (the ONNX int8 form; tfjs's uint8 storage is per tensor and rounds again).
 */
export async function quantAwareFineTune(artifacts: ModelArtifacts, x: Float32Array, y: Int32Array | Float32Array, options: FineTuneOptions): Promise<PruneResult> {
	const model = await deserializeModel(artifacts);
	try {
		validateFineTune(model, x, y, options);
		const chosen = model.trainableWeights.filter((w) => QUANTISED.test(w.originalName));
		if (chosen.length === 0) throw new KilnError('TrainingError', 'The model has no kernels to quantise.');
		const shapes = chosen.map((w) => w.shape as number[]);
		const shadows = chosen.map((w) => (w.read().dataSync() as Float32Array).slice());
		const rounded = shadows.map((s, i) => fakeQuantize(s, shapes[i], chosen[i].originalName));
		const write = () =>
			chosen.forEach((w, i) => {
				const t = tf.tensor(rounded[i], shapes[i]);
				w.write(t);
				t.dispose();
			});
		write();
		const history: PruneEpoch[] = [];
		await fineTune(model, x, y, options, {
			afterStep: () => {
				chosen.forEach((w, i) => {
					// The step moved the rounded kernel; the same move goes to the float shadow (straight-through).
					const after = w.read().dataSync() as Float32Array;
					const shadow = shadows[i];
					for (let k = 0; k < shadow.length; k++) shadow[k] += after[k] - rounded[i][k];
					rounded[i] = fakeQuantize(shadow, shapes[i], chosen[i].originalName);
				});
				write();
			},
			afterEpoch: (epoch, loss) => {
				const record = { epoch, loss, sparsity: 0 };
				history.push(record);
				options.onEpoch?.(record);
			}
		});
		const result = await serializeModel(model);
		return { model: result, stats: weightStats(result), history };
	} finally {
		model.dispose();
	}
}
