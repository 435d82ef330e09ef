import * as tf from '@tensorflow/tfjs-core';
import type { TextModel } from './text-model';

/** One optimiser step on a batch; returns the batch loss for the caller to read and dispose. */
export type TextTrainStep = (x: tf.Tensor, y: tf.Tensor, dropoutSeed: number) => tf.Scalar;

/** tfjs autodiff, global-norm clipping and the optimiser's own update. */
export function makeTextTrainStep(model: TextModel, optimizer: tf.Optimizer, clipNorm: number): TextTrainStep {
	const variables = model.params.trainable();
	return (x, y, dropoutSeed) =>
		tf.tidy(() => {
			const { value, grads } = tf.variableGrads(() => model.loss(model.forward(x as tf.Tensor2D, { training: true, dropoutSeed }).logits, y), variables);
			const list = variables.map((v) => grads[v.name]);
			const clipped = clipNorm > 0 ? clipByGlobalNorm(list, clipNorm) : list;
			optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: clipped[i] })));
			return value;
		});
}

function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): tf.Tensor[] {
	const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
	const scale = tf.minimum(1, tf.div(maxNorm, tf.maximum(norm, 1e-12)));
	return grads.map((g) => tf.mul(g, scale));
}
