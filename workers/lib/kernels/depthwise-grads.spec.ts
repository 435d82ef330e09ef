import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { randomValues, relativeError, runOn } from './wasm.spec-support';

interface Case {
	x: [number, number, number, number];
	filter: [number, number, number, number];
	strides: number | [number, number];
	pad: 'same' | 'valid';
}

const CASES: Case[] = [
	{ x: [2, 7, 7, 1], filter: [3, 3, 1, 1], strides: 1, pad: 'same' },
	{ x: [2, 8, 8, 4], filter: [3, 3, 4, 1], strides: 1, pad: 'valid' },
	{ x: [3, 8, 8, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'same' },
	{ x: [2, 9, 8, 5], filter: [3, 3, 5, 1], strides: 2, pad: 'valid' },
	{ x: [2, 6, 9, 8], filter: [2, 3, 8, 3], strides: 1, pad: 'same' },
	{ x: [2, 10, 7, 2], filter: [5, 2, 2, 2], strides: [2, 1], pad: 'valid' },
	{ x: [1, 12, 12, 16], filter: [3, 3, 16, 1], strides: 2, pad: 'same' }
];

function depthwiseGrads(c: Case, seed: number) {
	const x = randomValues(c.x.reduce((a, b) => a * b), seed);
	const w = randomValues(c.filter.reduce((a, b) => a * b), seed + 1);
	return () => {
		const xs = tf.tensor4d(x, c.x);
		const ws = tf.tensor4d(w, c.filter);
		const outShape = tf.depthwiseConv2d(xs, ws, c.strides, c.pad).shape;
		const r = tf.tensor(randomValues(outShape.reduce((a, b) => a * b), seed + 2), outShape);
		return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), r)))([xs, ws]);
	};
}

describe('depthwise conv gradients on wasm', () => {
	it.each(CASES.map((c, i) => [i, c] as const))('case %i equals the cpu backend within 1e-4 (input and filter)', async (i, c) => {
		const expected = await runOn('cpu', depthwiseGrads(c, 7 * i + 1));
		const actual = await runOn('wasm', depthwiseGrads(c, 7 * i + 1));
		expect(relativeError(actual[0], expected[0])).toBeLessThan(1e-4);
		expect(relativeError(actual[1], expected[1])).toBeLessThan(1e-4);
	});

	it('explains that dilated depthwise gradients are not supported', async () => {
		const run = () => tf.grad((w: tf.Tensor) => tf.sum(tf.depthwiseConv2d(tf.ones([1, 9, 9, 2]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid', 'NHWC', 2)))(tf.ones([3, 3, 2, 1]));
		// tfjs-core's gradient itself refuses dilation > 1 before any kernel runs, on every backend.
		await expect(runOn('wasm', run)).rejects.toThrow(/dilation/i);
	});
});
