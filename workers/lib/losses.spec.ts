import * as tf from '@tensorflow/tfjs-core';
// The workers get gradients registered through tfjs-layers; this spec does not import it.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { oneHotTensor, softmaxCrossEntropy } from './losses';
import { createRng } from './random';
import { useCpu } from '../../tests/unit-support';

beforeAll(useCpu);

function randomCase(rows: number, classes: number, seed: number): { logits: tf.Tensor2D; labels: number[] } {
	const rng = createRng(seed);
	// Some large logits, so the max-shift in logSumExp matters.
	const logits = tf.tensor2d(Float32Array.from({ length: rows * classes }, () => (rng() - 0.5) * (rng() < 0.1 ? 60 : 8)), [rows, classes]);
	return { logits, labels: Array.from({ length: rows }, () => Math.floor(rng() * classes)) };
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
	const x = a.dataSync() as Float32Array;
	const y = b.dataSync() as Float32Array;
	expect(x.length).toBe(y.length);
	return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
}

describe('softmaxCrossEntropy', () => {
	it.each([
		[128, 10, 1],
		[37, 3, 2],
		[1, 2, 3],
		[200, 7, 4]
	])('matches tf.losses.softmaxCrossEntropy in value and gradient (%i rows × %i classes)', (rows, classes, seed) => {
		const { logits, labels } = randomCase(rows, classes, seed);
		const ys = oneHotTensor(labels, classes);
		// A scale other than 1 checks that the incoming gradient dy is honoured.
		const ours = tf.valueAndGrad((x: tf.Tensor) => tf.mul(softmaxCrossEntropy(ys, x as tf.Tensor2D), 3));
		const theirs = tf.valueAndGrad((x: tf.Tensor) => tf.mul(tf.losses.softmaxCrossEntropy(ys, x), 3));
		const a = ours(logits);
		const b = theirs(logits);
		expect(Math.abs(a.value.dataSync()[0] - b.value.dataSync()[0])).toBeLessThanOrEqual(1e-6 * Math.abs(b.value.dataSync()[0]));
		expect(maxAbsDiff(a.grad, b.grad)).toBeLessThanOrEqual(1e-6);
		tf.dispose([logits, ys, a.value, a.grad, b.value, b.grad]);
	});

	it('leaves no tensors behind', () => {
		const { logits, labels } = randomCase(16, 4, 5);
		const ys = oneHotTensor(labels, 4);
		const before = tf.memory().numTensors;
		tf.grad((x: tf.Tensor) => softmaxCrossEntropy(ys, x as tf.Tensor2D))(logits).dispose();
		expect(tf.memory().numTensors).toBe(before);
		tf.dispose([logits, ys]);
	});
});

describe('oneHotTensor', () => {
	it('equals tf.oneHot, including an all-zero row for an out-of-range label', () => {
		const labels = [2, 0, 1, 2, -1, 3];
		const ours = oneHotTensor(labels, 3);
		const theirs = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
		expect(ours.dtype).toBe('float32');
		expect(ours.shape).toEqual([6, 3]);
		expect(Array.from(ours.dataSync())).toEqual(Array.from(theirs.dataSync()));
		tf.dispose([ours, theirs]);
	});
});
