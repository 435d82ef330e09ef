import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { randomValues, relativeError, runOn } from './wasm.spec-support';

describe('Tile, StridedSlice and Slice on wasm', () => {
	const tiles: { shape: number[]; reps: number[]; dtype?: 'int32' }[] = [
		{ shape: [1, 1, 1, 5], reps: [3, 4, 2, 1] },
		{ shape: [2, 3], reps: [2, 3] },
		{ shape: [4], reps: [3] },
		{ shape: [2, 1, 3], reps: [1, 4, 1], dtype: 'int32' },
		{ shape: [2, 2, 2, 2, 2], reps: [1, 2, 1, 2, 1] }
	];
	it.each(tiles.map((c, i) => [i, c] as const))('tile case %i equals the cpu backend', async (i, c) => {
		const values = Array.from(randomValues(c.shape.reduce((a, b) => a * b), i), (v) => (c.dtype ? Math.round(v * 100) : v));
		const compute = () => tf.tile(tf.tensor(values, c.shape, c.dtype ?? 'float32'), c.reps);
		const [expected] = await runOn('cpu', compute);
		const [actual] = await runOn('wasm', compute);
		expect(Array.from(actual)).toEqual(Array.from(expected));
	});

	const slices: { shape: number[]; begin: number[]; end: number[]; strides: number[]; shrink?: number }[] = [
		{ shape: [2, 9, 9, 3], begin: [0, 1, 2, 0], end: [2, 9, 9, 3], strides: [1, 2, 2, 1] },
		{ shape: [3, 8, 7, 2], begin: [0, 0, 1, 0], end: [3, 7, 7, 2], strides: [1, 3, 2, 1] },
		{ shape: [6, 5], begin: [5, 4], end: [0, 0], strides: [-2, -1] },
		{ shape: [4, 6, 3], begin: [1, 0, 0], end: [2, 6, 3], strides: [1, 2, 1], shrink: 1 },
		{ shape: [10], begin: [1], end: [10], strides: [3] }
	];
	it.each(slices.map((c, i) => [i, c] as const))('strided slice case %i equals the cpu backend', async (i, c) => {
		const compute = () => tf.stridedSlice(tf.tensor(randomValues(c.shape.reduce((a, b) => a * b), i), c.shape), c.begin, c.end, c.strides, 0, 0, 0, 0, c.shrink ?? 0);
		const [expected] = await runOn('cpu', compute);
		const [actual] = await runOn('wasm', compute);
		expect(actual.length).toBe(expected.length);
		expect(relativeError(actual, expected)).toBe(0);
	});

	const plainSlices: { shape: number[]; begin: number[]; size: number[]; dtype?: 'int32' }[] = [
		// Rows of a matrix (each batch tfjs-layers' predict cuts), a row's tail, -1 sizes, a non-contiguous block (the original kernel).
		{ shape: [100, 37], begin: [32, 0], size: [32, 37] },
		{ shape: [100, 37], begin: [96, 0], size: [-1, -1] },
		{ shape: [4, 6, 3], begin: [2, 1, 0], size: [1, 5, 3], dtype: 'int32' },
		{ shape: [6, 5], begin: [1, 1], size: [3, 2] }
	];
	it.each(plainSlices.map((c, i) => [i, c] as const))('slice case %i equals the cpu backend', async (i, c) => {
		const values = Array.from(randomValues(c.shape.reduce((a, b) => a * b), i + 10), (v) => (c.dtype ? Math.round(v * 100) : v));
		const compute = () => tf.slice(tf.tensor(values, c.shape, c.dtype ?? 'float32'), c.begin, c.size);
		const [expected] = await runOn('cpu', compute);
		const [actual] = await runOn('wasm', compute);
		expect(Array.from(actual)).toEqual(Array.from(expected));
	});

	it('keeps the batch-norm gradient (which tiles) equal to the cpu backend', async () => {
		const compute = () => {
			const x = tf.tensor4d(randomValues(8 * 5 * 5 * 6, 1), [8, 5, 5, 6]);
			const scale = tf.tensor1d(randomValues(6, 2));
			const offset = tf.tensor1d(randomValues(6, 3));
			const r = tf.tensor4d(randomValues(8 * 5 * 5 * 6, 4), [8, 5, 5, 6]);
			return tf.grads((a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
				const { mean, variance } = tf.moments(a, [0, 1, 2]);
				return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, o as tf.Tensor1D, s as tf.Tensor1D, 1e-3), r));
			})([x, scale, offset]);
		};
		const expected = await runOn('cpu', compute);
		const actual = await runOn('wasm', compute);
		expected.forEach((e, k) => expect(relativeError(actual[k], e)).toBeLessThan(1e-4));
	});
});
