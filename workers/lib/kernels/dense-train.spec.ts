import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, DENSE_LOSS, RELU_BACKWARD, adamUsesSimd, registerDenseTrainKernels } from './dense-train';
import { randomValues, runOn, useWasm } from './wasm.spec-support';

registerDenseTrainKernels();

const attrs = (l2: number) => ({ learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, accBeta1: Math.fround(0.9 ** 3), accBeta2: Math.fround(0.999 ** 3), l2: [l2, 0], transposed: [false, false] });

describe('Kiln dense training kernels', () => {
	it('run Adam on wasm as a WebAssembly SIMD pass over the heap', async () => {
		await useWasm();
		expect(adamUsesSimd(tf.backend())).toBe(true);
	});

	// 103 values: the SIMD pass takes 100, the scalar tail the last 3.
	it.each([0, 0.01])('KilnAdamUpdate (l2 %s) gives the same bits on wasm (SIMD) and cpu (float32 JS)', async (l2) => {
		const compute = () => {
			const t = (seed: number, scale = 1) => tf.tensor2d(randomValues(103, seed).map((v) => v * scale), [1, 103]);
			const b = (seed: number) => tf.tensor1d(randomValues(7, seed));
			return tf.engine().runKernel(ADAM_UPDATE, { value0: t(1), grad0: t(2), m0: t(3, 0.1), v0: tf.abs(t(4, 0.01)), value1: b(5), grad1: b(6), m1: b(7), v1: tf.abs(b(8)) }, attrs(l2)) as tf.Tensor[];
		};
		const cpu = await runOn('cpu', compute);
		const wasm = await runOn('wasm', compute);
		expect(wasm).toHaveLength(6);
		wasm.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(cpu[i])));
	});

	// A transposed gradient is read by the JS loop (on wasm too: over its heap).
	it.each([
		[8, 12, 0],
		[8, 12, 0.01],
		[6, 5, 0.01]
	])('KilnAdamUpdate with a transposed [%i, %i] gradient (l2 %s): the same bits on wasm and cpu', async (rows, cols, l2) => {
		const compute = () => {
			const t = (seed: number, scale = 1, shape = [rows, cols]) => tf.tensor2d(randomValues(rows * cols, seed).map((v) => v * scale), shape as [number, number]);
			const out = tf.engine().runKernel(ADAM_UPDATE, { value0: t(1), grad0: t(2, 1, [cols, rows]), m0: t(3, 0.1), v0: tf.abs(t(4, 0.01)) }, { ...attrs(l2), l2: [l2], transposed: [true] }) as tf.Tensor[];
			return out;
		};
		const cpu = await runOn('cpu', compute);
		const wasm = await runOn('wasm', compute);
		wasm.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(cpu[i])));
		// The transposed read itself, against the plain kernel on the transposed gradient.
		const plain = await runOn('cpu', () => {
			const t = (seed: number, scale = 1, shape = [rows, cols]) => tf.tensor2d(randomValues(rows * cols, seed).map((v) => v * scale), shape as [number, number]);
			const g = tf.transpose(t(2, 1, [cols, rows]));
			return tf.engine().runKernel(ADAM_UPDATE, { value0: t(1), grad0: g, m0: t(3, 0.1), v0: tf.abs(t(4, 0.01)) }, { ...attrs(l2), l2: [l2], transposed: [false] }) as tf.Tensor[];
		});
		plain.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(cpu[i])));
	});

	it('KilnDenseLoss and KilnReluBackward agree between wasm and cpu', async () => {
		const compute = () => {
			const logits = tf.tensor2d(randomValues(40, 9).map((v) => v * 5), [8, 5]);
			const labels = tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 9], 'int32');
			const [loss, grad, bias] = tf.engine().runKernel(DENSE_LOSS, { out: logits, target: labels }, { loss: 'softmax-ce' }) as tf.Tensor[];
			const [dz, db] = tf.engine().runKernel(RELU_BACKWARD, { dy: grad, y: tf.relu(logits) }) as tf.Tensor[];
			return [loss, grad, bias, dz, db];
		};
		const cpu = await runOn('cpu', compute);
		const wasm = await runOn('wasm', compute);
		wasm.forEach((values, i) => values.forEach((v, j) => expect(Math.abs(v - cpu[i][j])).toBeLessThanOrEqual(1e-6)));
		// The out-of-range label 9 is a row of zeros, as tf.oneHot makes it: its gradient is the softmax alone.
		expect(cpu[1].slice(35, 40).reduce((a, b) => a + b, 0)).toBeCloseTo(1 / 8, 6);
	});
});
