import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { filterGradient } from './conv-grads';
import { randomValues, relativeError, runOn, useWasm } from './wasm.spec-support';

type Pad = 'same' | 'valid' | number;
interface Case {
	x: [number, number, number, number];
	filter: [number, number, number, number];
	strides: number | [number, number];
	pad: Pad;
}

const CASES: Case[] = [
	{ x: [2, 7, 7, 1], filter: [3, 3, 1, 4], strides: 1, pad: 'same' },
	{ x: [2, 7, 7, 1], filter: [3, 3, 1, 4], strides: 1, pad: 'valid' },
	{ x: [3, 8, 8, 3], filter: [3, 3, 3, 5], strides: 2, pad: 'same' },
	{ x: [3, 9, 8, 3], filter: [3, 3, 3, 5], strides: 2, pad: 'valid' },
	{ x: [2, 6, 9, 4], filter: [2, 3, 4, 6], strides: 1, pad: 'same' },
	{ x: [2, 10, 7, 2], filter: [5, 2, 2, 3], strides: 2, pad: 'valid' },
	{ x: [2, 9, 9, 8], filter: [1, 3, 8, 16], strides: [1, 2], pad: 'same' },
	{ x: [4, 5, 5, 16], filter: [1, 1, 16, 8], strides: 1, pad: 'valid' },
	{ x: [2, 11, 11, 6], filter: [4, 4, 6, 2], strides: 3, pad: 'same' },
	{ x: [2, 6, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 1 },
	{ x: [1, 4, 4, 32], filter: [3, 3, 32, 32], strides: 2, pad: 'same' },
	{ x: [3, 11, 9, 12], filter: [3, 2, 12, 5], strides: 2, pad: 'valid' },
	{ x: [2, 10, 10, 16], filter: [5, 5, 16, 4], strides: [2, 1], pad: 'same' }
];

function convGrads(c: Case, seed: number) {
	const x = randomValues(c.x.reduce((a, b) => a * b), seed);
	const w = randomValues(c.filter.reduce((a, b) => a * b), seed + 1);
	return () => {
		const xs = tf.tensor4d(x, c.x);
		const ws = tf.tensor4d(w, c.filter);
		// A random weighting of the outputs gives every dy entry a different value.
		const outShape = tf.conv2d(xs, ws, c.strides, c.pad).shape;
		const r = tf.tensor(randomValues(outShape.reduce((a, b) => a * b), seed + 2), outShape);
		const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), r)));
		return grads([xs, ws]);
	};
}

describe('conv2d gradients on wasm', () => {
	it.each(CASES.map((c, i) => [i, c] as const))('case %i equals the cpu backend within 1e-4', async (i, c) => {
		const expected = await runOn('cpu', convGrads(c, 10 * i));
		const actual = await runOn('wasm', convGrads(c, 10 * i));
		expect(relativeError(actual[0], expected[0])).toBeLessThan(1e-4);
		expect(relativeError(actual[1], expected[1])).toBeLessThan(1e-4);
	});

	it('gives the same filter gradient when the im2col is chunked over the batch', async () => {
		const c: Case = { x: [5, 8, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' };
		const x = randomValues(5 * 8 * 8 * 3, 1);
		const dy = randomValues(5 * 8 * 8 * 4, 2);
		const run = (budget: number) => () => filterGradient(tf.tensor4d(x, c.x), tf.tensor4d(dy, [5, 8, 8, 4]), c.filter, 1, 'same', undefined, budget);
		const whole = await runOn('wasm', run(1 << 22));
		// 600 floats fit one image's columns: five chunks of one.
		const chunked = await runOn('wasm', run(600));
		const cpu = await runOn('cpu', () => tf.conv2d(tf.tensor4d(x, c.x), tf.zeros(c.filter), 1, 'same').shape && tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(tf.tensor4d(x, c.x), w as tf.Tensor4D, 1, 'same'), tf.tensor4d(dy, [5, 8, 8, 4]))))(tf.zeros(c.filter)));
		expect(relativeError(chunked[0], whole[0])).toBeLessThan(1e-6);
		expect(relativeError(whole[0], cpu[0])).toBeLessThan(1e-4);
	});

	it('leaks no tensors', async () => {
		await useWasm();
		const c = CASES[2];
		const before = tf.memory().numTensors;
		const grads = tf.tidy(convGrads(c, 3));
		tf.dispose(grads);
		expect(tf.memory().numTensors).toBe(before);
	});
});
