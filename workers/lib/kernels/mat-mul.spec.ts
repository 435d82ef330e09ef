import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { randomValues, relativeError, runOn } from './wasm.spec-support';

describe('BatchMatMul on wasm', () => {
	const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
		{ a: [64, 40], b: [64, 30], ta: true, tb: false },
		{ a: [40, 64], b: [30, 64], ta: false, tb: true },
		{ a: [64, 40], b: [30, 64], ta: true, tb: true },
		{ a: [3, 4], b: [4, 5], ta: false, tb: false },
		{ a: [3, 4], b: [5, 4], ta: false, tb: true },
		// A batch times one shared matrix (Dense on a sequence): folded into the rows.
		{ a: [4, 32, 48], b: [48, 40], ta: false, tb: false },
		{ a: [2, 3, 32, 48], b: [40, 48], ta: false, tb: true },
		// A batch of large independent products: split into 2-D products.
		{ a: [3, 80, 64], b: [3, 64, 64], ta: false, tb: false },
		{ a: [3, 64, 80], b: [3, 64, 64], ta: true, tb: true },
		// Attention-sized items (and smaller) stay on tfjs's own loop.
		{ a: [6, 40, 48], b: [6, 48, 40], ta: false, tb: false },
		{ a: [6, 48, 40], b: [6, 40, 48], ta: true, tb: true },
		{ a: [8, 4, 6], b: [8, 6, 5], ta: false, tb: false },
		// Broadcast of a's batch against b's keeps tfjs's own kernel.
		{ a: [1, 40, 48], b: [3, 48, 40], ta: false, tb: false }
	];
	it.each(cases.map((c, i) => [i, c] as const))('case %i equals the cpu backend', async (i, c) => {
		const compute = () => tf.matMul(tf.tensor(randomValues(c.a.reduce((x, y) => x * y), i), c.a), tf.tensor(randomValues(c.b.reduce((x, y) => x * y), i + 50), c.b), c.ta, c.tb);
		const expected = await runOn('cpu', compute);
		const actual = await runOn('wasm', compute);
		expect(relativeError(actual[0], expected[0])).toBeLessThan(1e-5);
	});

	it('gives a Dense-style gradient equal to the cpu backend', async () => {
		const compute = () => {
			const x = tf.tensor2d(randomValues(128 * 60, 1), [128, 60]);
			const w = tf.tensor2d(randomValues(60 * 32, 2), [60, 32]);
			return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D))))([x, w]);
		};
		const expected = await runOn('cpu', compute);
		const actual = await runOn('wasm', compute);
		expect(relativeError(actual[0], expected[0])).toBeLessThan(1e-5);
		expect(relativeError(actual[1], expected[1])).toBeLessThan(1e-5);
	});
});
