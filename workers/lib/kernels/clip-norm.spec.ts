import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { CLIP_BY_GLOBAL_NORM, registerClipKernel } from './clip-norm';
import { randomValues, relativeError, runOn } from './wasm.spec-support';

registerClipKernel();

const shapes = [[7, 5], [5], [3, 4, 2]];
const grads = () => shapes.map((shape, i) => tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), 20 + i), shape));

/** tfjs's own global-norm clipping, op by op (text/nn/train-step.ts' plain path). */
function reference(maxNorm: number): tf.Tensor[] {
	const list = grads();
	const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
	const scale = tf.minimum(1, tf.div(maxNorm, tf.maximum(norm, 1e-12)));
	return list.map((g) => tf.mul(g, scale));
}

describe('KilnClipByGlobalNorm', () => {
	// Norm of the seeded gradients ≈ 4.7: 1 scales them down, 100 leaves them as they are.
	it.each([1, 100])('max norm %s: equals tfjs ops on cpu within 1e-6, on cpu and wasm', async (maxNorm) => {
		const expected = await runOn('cpu', () => reference(maxNorm));
		for (const backend of ['cpu', 'wasm'] as const) {
			const actual = await runOn(backend, () => {
				const inputs: Record<string, tf.Tensor> = {};
				grads().forEach((g, i) => (inputs[`grad${i}`] = g));
				return tf.engine().runKernel(CLIP_BY_GLOBAL_NORM, inputs, { maxNorm, count: shapes.length }) as tf.Tensor[];
			});
			actual.forEach((values, i) => expect(relativeError(values, expected[i])).toBeLessThan(1e-6));
		}
		if (maxNorm === 100) expect(Array.from(expected[0])).toEqual(Array.from((await runOn('cpu', () => grads()[0]))[0]));
	});
});
