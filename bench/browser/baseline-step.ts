import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Task } from '$workers/protocol';

/**
 * Kiln's training step as it was before the wasm speed work (commit e7391d1), kept so the
 * profiler can A/B it against workers/lib/train.ts in one worker and compare the numbers.
 */
export function makeBaselineTrainStep(model: tfl.LayersModel, optimizer: tf.Optimizer, task: Task, classes: number, l2: number) {
	const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
	const kernels = variables.filter((v) => v.shape.length === 2);
	const width = model.inputs[0].shape[1] as number;
	return (x: Float32Array, y: number[]): tf.Scalar =>
		tf.tidy(() => {
			const n = y.length;
			const xs = tf.tensor2d(x, [n, width]);
			const ys = task === 'classification' ? tf.oneHot(tf.tensor1d(y, 'int32'), classes) : tf.tensor2d(y, [n, 1]);
			return optimizer.minimize(() => {
				const out = model.apply(xs, { training: true }) as tf.Tensor2D;
				const dataLoss = task === 'classification' ? tf.losses.softmaxCrossEntropy(ys, out) : tf.losses.meanSquaredError(ys, out);
				if (l2 === 0) return dataLoss as tf.Scalar;
				const penalty = tf.addN(kernels.map((k) => tf.sum(tf.square(k))));
				return tf.add(dataLoss, tf.mul(penalty, l2)) as tf.Scalar;
			}, true, variables)!;
		});
}
