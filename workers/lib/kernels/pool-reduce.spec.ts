import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { randomValues, relativeError, runOn } from './wasm.spec-support';

describe('MaxPoolGrad on wasm', () => {
	const cases: { shape: [number, number, number, number]; size: number | [number, number]; stride: number; pad: 'same' | 'valid'; ties?: boolean }[] = [
		{ shape: [2, 8, 8, 3], size: 2, stride: 2, pad: 'valid' },
		{ shape: [2, 9, 7, 4], size: 2, stride: 2, pad: 'same' },
		{ shape: [2, 9, 9, 5], size: 3, stride: 2, pad: 'valid' },
		{ shape: [1, 10, 10, 2], size: 3, stride: 1, pad: 'same' },
		{ shape: [2, 7, 9, 3], size: [2, 3], stride: 2, pad: 'same' },
		// After a relu many windows are all zeros: the gradient goes to the first of the ties.
		{ shape: [2, 8, 8, 6], size: 2, stride: 2, pad: 'valid', ties: true }
	];
	it.each(cases.map((c, i) => [i, c] as const))('case %i equals the cpu backend', async (i, c) => {
		const values = randomValues(c.shape.reduce((a, b) => a * b), i).map((v) => (c.ties ? Math.max(0, Math.round(v * 2) / 2) : v));
		const compute = () => {
			const x = tf.tensor4d(values, c.shape);
			const y = tf.maxPool(x, c.size, c.stride, c.pad);
			const r = tf.tensor(randomValues(y.size, i + 100), y.shape);
			return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.size, c.stride, c.pad), r)))(x);
		};
		const expected = await runOn('cpu', compute);
		const actual = await runOn('wasm', compute);
		expect(relativeError(actual[0], expected[0])).toBeLessThan(1e-6);
	});
});

describe('Sum and Mean over leading axes on wasm', () => {
	const cases: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
		{ shape: [64, 9, 9, 32], axis: [0, 1, 2], keepDims: false },
		{ shape: [64, 9, 9, 32], axis: [0, 1, 2], keepDims: true },
		{ shape: [4096, 10], axis: 0, keepDims: false },
		{ shape: [32, 40, 20], axis: [1, 0], keepDims: false },
		// Not leading axes, or everything: the original kernel.
		{ shape: [32, 40, 20], axis: [0, 2], keepDims: false },
		{ shape: [128, 160], axis: [0, 1], keepDims: false }
	];
	it.each(cases.map((c, i) => [i, c] as const))('case %i equals the cpu backend', async (i, c) => {
		const compute = () => {
			const x = tf.tensor(randomValues(c.shape.reduce((a, b) => a * b), i), c.shape);
			return [tf.sum(x, c.axis, c.keepDims), tf.mean(x, c.axis, c.keepDims)];
		};
		const expected = await runOn('cpu', compute);
		const actual = await runOn('wasm', compute);
		expect(relativeError(actual[0], expected[0])).toBeLessThan(1e-5);
		expect(relativeError(actual[1], expected[1])).toBeLessThan(1e-5);
	});

	it('keeps the batch-norm moments equal to the cpu backend', async () => {
		const compute = () => {
			const m = tf.moments(tf.tensor4d(randomValues(32 * 8 * 8 * 16, 5), [32, 8, 8, 16]), [0, 1, 2]);
			return [m.mean, m.variance];
		};
		const expected = await runOn('cpu', compute);
		const actual = await runOn('wasm', compute);
		expect(relativeError(actual[0], expected[0])).toBeLessThan(1e-5);
		expect(relativeError(actual[1], expected[1])).toBeLessThan(1e-5);
	});
});
