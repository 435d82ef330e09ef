import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { RELU_POOL_GRAD } from './relu-pool-grad';
import { randomValues, relativeError, runOn, useBackend } from './wasm.spec-support';

/**
 * KilnReluPoolGrad against the cpu backend's autodiff of relu(a + bias) → maxPool: the gradient
 * of the pre-activation and of the bias. Both the unrolled 2×2/stride-2 path (even and odd sizes:
 * an odd last row and column belong to no window) and the general loop, with ties.
 */
describe('KilnReluPoolGrad on wasm', () => {
	const cases: { shape: [number, number, number, number]; size: number; stride: number; pad: 'same' | 'valid'; ties?: boolean }[] = [
		{ shape: [3, 8, 8, 5], size: 2, stride: 2, pad: 'valid' },
		{ shape: [2, 11, 9, 4], size: 2, stride: 2, pad: 'valid' },
		// Ties: after a relu many windows are all zeros, and equal positive values pick the first.
		{ shape: [2, 10, 10, 6], size: 2, stride: 2, pad: 'valid', ties: true },
		{ shape: [2, 9, 7, 3], size: 2, stride: 2, pad: 'same', ties: true },
		{ shape: [2, 9, 9, 4], size: 3, stride: 2, pad: 'same' },
		{ shape: [1, 8, 8, 2], size: 0, stride: 1, pad: 'valid' }
	];
	it.each(cases.map((c, i) => [i, c] as const))('case %i equals the cpu backend', async (i, c) => {
		const [n, h, w, ch] = c.shape;
		const values = randomValues(n * h * w * ch, i + 10).map((v) => (c.ties ? Math.round(v * 2) / 2 : v));
		const biasValues = randomValues(ch, i + 20).map((v) => (c.ties ? 0 : v / 4));
		const pooled = (z: tf.Tensor4D) => (c.size ? tf.maxPool(z, c.size, c.stride, c.pad) : z);
		await useBackend('cpu');
		const outShape = tf.tidy(() => pooled(tf.zeros(c.shape) as tf.Tensor4D).shape);
		const r = randomValues(outShape.reduce((a, b) => a * b, 1), i + 30);
		const expected = await runOn('cpu', () => {
			const a = tf.tensor4d(values, c.shape);
			const bias = tf.tensor1d(biasValues);
			const dy = tf.tensor(r, outShape);
			const g = tf.grads((x: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(pooled(tf.relu(tf.add(x, b)) as tf.Tensor4D), dy)))([a, bias]);
			return g;
		});
		const actual = await runOn('wasm', () => {
			const z = tf.relu(tf.add(tf.tensor4d(values, c.shape), tf.tensor1d(biasValues)));
			const attrs = { filterSize: [c.size, c.size], strides: [c.stride, c.stride], pad: c.pad } as unknown as tf.NamedAttrMap;
			return tf.engine().runKernel(RELU_POOL_GRAD, { dy: tf.tensor(r, outShape), z }, attrs) as tf.Tensor[];
		});
		expect(relativeError(actual[0], expected[0])).toBeLessThan(1e-6);
		expect(relativeError(actual[1], expected[1])).toBeLessThan(1e-5);
	});
});
