import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { randomValues, runOn } from './wasm.spec-support';

describe('GatherV2 on wasm (row copies)', () => {
	it('equals the cpu backend for embedding lookups of float32 and int32 rows, 1-D and 2-D ids, and other axes', async () => {
		const compute = () => {
			const table = tf.tensor2d(randomValues(50 * 6, 1), [50, 6]);
			const ids = tf.tensor2d([[3, 0, 49], [7, 7, 12]], [2, 3], 'int32');
			const cube = tf.tensor3d(randomValues(4 * 3 * 2, 2), [4, 3, 2]);
			return [
				tf.gather(table, ids),
				tf.gather(table, tf.tensor1d([5, 1], 'int32')),
				tf.cast(tf.gather(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor1d([2, 0], 'int32')), 'float32'),
				tf.gather(cube, tf.tensor1d([3, 0, 3], 'int32')),
				tf.gather(table, tf.tensor1d([1, 4], 'int32'), 1),
				tf.gather(tf.tensor1d([1, 2, 3]), tf.tensor1d([2, 2, 0], 'int32'))
			];
		};
		const wasm = await runOn('wasm', compute);
		const cpu = await runOn('cpu', compute);
		// Compared as plain numbers: the int32 case comes back as Int32Array on one backend.
		wasm.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(cpu[i])));
	});

	it('keeps the embedding gradient (UnsortedSegmentSum) as on cpu', async () => {
		const compute = () => {
			const table = tf.tensor2d(randomValues(20 * 4, 3), [20, 4]);
			const ids = tf.tensor2d([[1, 2, 1], [19, 0, 2]], [2, 3], 'int32');
			const r = tf.tensor3d(randomValues(24, 4), [2, 3, 4]);
			return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), r)))(table);
		};
		expect(await runOn('wasm', compute)).toEqual(await runOn('cpu', compute));
	});
});
