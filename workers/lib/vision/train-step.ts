import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { oneHotTensor, softmaxCrossEntropy } from '$workers/lib/losses';
import { fastCnnForward } from './fast-forward';

/**
 * One Adam step of a CNN on a batch of float images (NHWC, [0, 1]) and class indices; returns
 * the batch loss as a scalar tensor the caller reads and disposes. Shared with the benchmark
 * so it measures exactly the path training takes. On wasm, relu conv blocks run fused (see
 * fast-forward.ts); elsewhere the model's own layers and tfjs's autodiff.
 * `variables` limits training to some weights (a frozen backbone's head, fine-tuning).
 */
export function makeCnnStep(model: tfl.LayersModel, optimizer: tf.Optimizer, classes: number, variables?: tf.Variable[]) {
	const [, h, w, c] = model.inputs[0].shape as number[];
	const trainable = variables ?? model.trainableWeights.map((v) => v.read() as tf.Variable);
	const fast = fastCnnForward(model);
	const forward = fast ?? ((x: tf.Tensor, training: boolean) => model.apply(x, { training }) as tf.Tensor);
	return (x: Float32Array, y: ArrayLike<number>): tf.Scalar =>
		tf.tidy(() => {
			const n = y.length;
			const xs = tf.tensor4d(x, [n, h, w, c]);
			const ys = oneHotTensor(y, classes);
			return optimizer.minimize(() => softmaxCrossEntropy(ys, forward(xs, true) as tf.Tensor2D), true, trainable)!;
		});
}
