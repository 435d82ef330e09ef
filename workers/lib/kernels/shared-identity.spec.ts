import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { runOn, useWasm } from './wasm.spec-support';

describe('shared Identity on wasm', () => {
	it('a clone shares the data, outlives its source, and a variable assigned after cloning keeps the clone unchanged', async () => {
		await useWasm();
		const buffers = () => tf.backend().numDataIds();
		const before = buffers();
		const x = tf.tensor1d([1, 2, 3]);
		const y = tf.clone(x);
		expect(buffers() - before).toBe(1);
		x.dispose();
		expect(Array.from(await y.data())).toEqual([1, 2, 3]);
		const v = tf.variable(y);
		const saved = tf.clone(v);
		tf.tidy(() => v.assign(tf.tensor1d([7, 8, 9])));
		expect(Array.from(await saved.data())).toEqual([1, 2, 3]);
		expect(Array.from(await v.data())).toEqual([7, 8, 9]);
		tf.dispose([y, v, saved]);
		expect(buffers()).toBe(before);
	});

	it('gradients through saved tensors equal the cpu backend', async () => {
		const compute = () => {
			const w = tf.tensor2d([0.5, -1, 2, 0.25, 1.5, -0.75], [3, 2]);
			const x = tf.tensor2d([1, 2, 3, -1, 0.5, 4], [2, 3]);
			return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.relu(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D)))))([x, w]);
		};
		expect(await runOn('wasm', compute)).toEqual(await runOn('cpu', compute));
	});
});
