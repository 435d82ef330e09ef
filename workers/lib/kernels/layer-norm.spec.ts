import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { layerNormKernel } from './layer-norm';
import { randomValues, relativeError, runOn } from './wasm.spec-support';

/** tfjs's ops, as text/nn/layers.ts builds layer norm without the kernel. */
function opsLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
	const { mean, variance } = tf.moments(x, -1, true);
	return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
}

function compute(shape: number[], fused: boolean) {
	return () => {
		const size = shape.reduce((a, b) => a * b, 1);
		const d = shape[shape.length - 1];
		// Rows of different offsets and spreads, so the statistics matter.
		const x = tf.tensor(randomValues(size, 1).map((v, i) => v * (1 + (i % 7)) + (i % 5)), shape);
		const gamma = tf.tensor1d(randomValues(d, 2).map((v) => 1 + v));
		const beta = tf.tensor1d(randomValues(d, 3));
		const r = tf.tensor(randomValues(size, 4), shape);
		const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => (fused ? layerNormKernel(a, g, b, 1e-5) : opsLayerNorm(a, g, b));
		return [f(x, gamma, beta), ...tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b), r)))([x, gamma, beta])];
	};
}

describe('KilnLayerNorm', () => {
	it.each([[[4, 6, 16]], [[9, 7]]])('%j: output and gradients (x, γ, β) equal tfjs autodiff on cpu within 1e-5, on cpu and wasm', async (shape) => {
		const reference = await runOn('cpu', compute(shape, false));
		for (const backend of ['cpu', 'wasm'] as const) {
			const fused = await runOn(backend, compute(shape, true));
			fused.forEach((values, i) => expect(relativeError(values, reference[i])).toBeLessThan(1e-5));
		}
	});
});
