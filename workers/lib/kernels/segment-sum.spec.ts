import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { randomValues, relativeError, runOn } from './wasm.spec-support';

describe('UnsortedSegmentSum on wasm', () => {
	const cases: { shape: number[]; ids: number[]; idShape?: number[]; segments: number }[] = [
		{ shape: [6], ids: [0, 2, 2, 1, 0, 5], segments: 6 },
		{ shape: [5, 3], ids: [3, 0, 3, 1, 3], segments: 4 },
		{ shape: [4, 2, 3], ids: [1, 1, 0, 1], segments: 2 },
		{ shape: [2, 3, 4], ids: [0, 2, 1, 0, 2, 2], idShape: [2, 3], segments: 3 },
		// Ids outside [0, segments) are dropped, as on cpu; one segment gets nothing.
		{ shape: [5, 2], ids: [-1, 0, 7, 2, 0], segments: 4 },
		{ shape: [7, 3], ids: [0, 1, 2, 3, 4, 5, 6], segments: 1000 }
	];
	it.each(cases.map((c, i) => [i, c] as const))('case %i equals the cpu backend', async (i, c) => {
		const size = c.shape.reduce((a, b) => a * b);
		const compute = () => tf.unsortedSegmentSum(tf.tensor(randomValues(size, i), c.shape), tf.tensor<tf.Rank>(c.ids, c.idShape ?? [c.ids.length], 'int32') as tf.Tensor1D, c.segments);
		// tfjs-backend-cpu mis-broadcasts ids of rank > 1, so its reference uses the same ids flattened
		// (TensorFlow's definition: ids index the leading axes of the data, row-major).
		const idRank = (c.idShape ?? [0]).length;
		const flat = () => tf.unsortedSegmentSum(tf.tensor(randomValues(size, i), [c.ids.length, ...c.shape.slice(idRank)] as number[]), tf.tensor1d(c.ids, 'int32'), c.segments);
		const expected = await runOn('cpu', flat);
		const actual = await runOn('wasm', compute);
		expect(actual[0].length).toBe(expected[0].length);
		expect(relativeError(actual[0], expected[0])).toBeLessThan(1e-6);
	});

	it('sums int32 data as int32', async () => {
		const [out] = await runOn('wasm', () => {
			const result = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], 'int32'), tf.tensor1d([1, 0, 1, 1], 'int32'), 2);
			expect(result.dtype).toBe('int32');
			return result;
		});
		expect(Array.from(out)).toEqual([2, 8]);
	});

	it('gives the gather (embedding) gradient the cpu backend gives', async () => {
		const table = randomValues(50 * 8, 3);
		const ids = [3, 7, 3, 49, 0, 7, 7, 12];
		const compute = () => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tf.tensor2d(ids, [2, 4], 'int32')))))(tf.tensor2d(table, [50, 8]));
		const expected = await runOn('cpu', compute);
		const actual = await runOn('wasm', compute);
		expect(relativeError(actual[0], expected[0])).toBeLessThan(1e-6);
	});
});
