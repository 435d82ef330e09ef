import * as tf from '@tensorflow/tfjs-core';
import { CLIP_BY_GLOBAL_NORM, registerClipKernel, type ClipAttrs } from '$workers/lib/kernels/clip-norm';
import { AdamState } from '$workers/lib/kernels/adam-state';
import { registerDenseTrainKernels } from '$workers/lib/kernels/dense-train';
import { fusedTextKernelsOn } from './layers';
import type { TextModel } from './text-model';

/** One optimiser step on a batch; returns the batch loss for the caller to read and dispose. */
export type TextTrainStep = (x: tf.Tensor, y: tf.Tensor, dropoutSeed: number) => tf.Scalar;

/**
 * tfjs autodiff, then global-norm clipping and the optimiser's update. On wasm and cpu with tfjs's
 * Adam, the clipping is one host kernel (kernels/clip-norm.ts) and Adam one kernel over every
 * variable (KilnAdamUpdate, the MLP's: a WebAssembly SIMD pass on wasm, tfjs's float32 arithmetic)
 * instead of about 3 + 11 kernels per variable; the optimiser's own state (moments, β powers, step
 * count) is read and written in place, so checkpoints and resume see tfjs's optimiser.
 */
export function makeTextTrainStep(model: TextModel, optimizer: tf.Optimizer, clipNorm: number, allowFused = true): TextTrainStep {
	const variables = model.params.trainable();
	const gradients = (x: tf.Tensor, y: tf.Tensor, dropoutSeed: number) => {
		const { value, grads } = tf.variableGrads(() => model.loss(model.forward(x as tf.Tensor2D, { training: true, dropoutSeed }).logits, y), variables);
		return { value, list: variables.map((v) => grads[v.name]) };
	};
	const plain: TextTrainStep = (x, y, dropoutSeed) =>
		tf.tidy(() => {
			const { value, list } = gradients(x, y, dropoutSeed);
			const clipped = clipNorm > 0 ? clipOps(list, clipNorm) : list;
			optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: clipped[i] })));
			return value;
		});
	if (!(allowFused && fusedTextKernelsOn() && ['wasm', 'cpu'].includes(tf.getBackend()) && optimizer.getClassName() === 'Adam')) return plain;
	registerClipKernel();
	registerDenseTrainKernels();
	const state = new AdamState(optimizer, variables);
	const perVariable = { l2: new Float64Array(variables.length), transposed: variables.map(() => false) };
	return (x, y, dropoutSeed) => {
		let complete = true;
		const loss = tf.tidy(() => {
			const { value, list } = gradients(x, y, dropoutSeed);
			// A variable the loss does not reach has no gradient; tfjs's Adam then leaves it (and its moments) alone.
			if (list.some((g) => !g)) return ((complete = false), value);
			const clipInputs: Record<string, tf.Tensor> = {};
			list.forEach((g, i) => (clipInputs[`grad${i}`] = g));
			const clipAttrs: ClipAttrs = { maxNorm: clipNorm, count: list.length };
			const grads = clipNorm > 0 ? (tf.engine().runKernel(CLIP_BY_GLOBAL_NORM, clipInputs, clipAttrs as unknown as tf.NamedAttrMap) as tf.Tensor[]) : list;
			state.update(grads, perVariable);
			return value;
		});
		if (!complete) {
			loss.dispose();
			return plain(x, y, dropoutSeed);
		}
		state.adam.incrementIterations();
		return loss;
	};
}

function clipOps(grads: tf.Tensor[], maxNorm: number): tf.Tensor[] {
	const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
	const scale = tf.minimum(1, tf.div(maxNorm, tf.maximum(norm, 1e-12)));
	return grads.map((g) => tf.mul(g, scale));
}
