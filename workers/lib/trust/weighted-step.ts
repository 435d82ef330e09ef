import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Task } from '$workers/protocol';
import { oneHotTensor } from '$workers/lib/losses';
import { makeFusedDenseStep } from '$workers/lib/mlp/fused-step';

/**
 * Kiln's training step with a weight per row, for training on reweighing's sample weights:
 * the loss is Σ wᵢLᵢ / Σ wᵢ (a weighted mean, so weights that average 1 keep the learning rate's
 * meaning), plus the same L2 penalty on kernels as makeTrainStep. Like makeTrainStep it returns
 * the data loss only (without the penalty), so it compares with validation loss. A relu Dense
 * stack with Adam takes Kiln's fused step (mlp/fused-step.ts, same loss); anything else runs
 * through tfjs's autodiff.
 */
export function makeWeightedTrainStep(model: tfl.LayersModel, optimizer: tf.Optimizer, task: Task, classes: number, l2: number) {
	const fused = makeFusedDenseStep(model, optimizer, task, classes, l2);
	if (fused) return (x: Float32Array, y: ArrayLike<number>, weights: ArrayLike<number>): tf.Scalar => fused(x, y, weights);
	const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
	const kernels = variables.filter((v) => v.shape.length === 2);
	const width = model.inputs[0].shape[1] as number;
	return (x: Float32Array, y: ArrayLike<number>, weights: ArrayLike<number>): tf.Scalar => {
		let reported: tf.Scalar | null = null;
		tf.tidy(() => {
			const n = y.length;
			const xs = tf.tensor2d(x, [n, width]);
			const w = tf.tensor1d(Float32Array.from(weights));
			const ys = task === 'classification' ? oneHotTensor(y, classes) : tf.tensor2d(Float32Array.from(y), [n, 1]);
			optimizer.minimize(() => {
				const out = model.apply(xs, { training: true }) as tf.Tensor2D;
				const perRow =
					task === 'classification'
						? tf.neg(tf.sum(tf.mul(ys, tf.sub(out, tf.logSumExp(out, 1, true))), 1))
						: tf.sum(tf.square(tf.sub(out, ys)), 1);
				const dataLoss = tf.div(tf.sum(tf.mul(perRow, w)), tf.sum(w)) as tf.Scalar;
				// A clone: minimize() disposes the cost it is handed, which is dataLoss itself without L2.
				reported = tf.keep(dataLoss.clone());
				if (l2 === 0) return dataLoss;
				return tf.add(dataLoss, tf.mul(tf.addN(kernels.map((k) => tf.sum(tf.square(k)))), l2)) as tf.Scalar;
			}, false, variables);
		});
		return reported!;
	};
}
