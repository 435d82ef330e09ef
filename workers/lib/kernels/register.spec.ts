import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerWasmKernels } from './register';
import { randomValues, useBackend, useWasm } from './wasm.spec-support';

/** Loss per epoch of a seeded model fitted on the given backend. */
async function fitLosses(backend: 'cpu' | 'wasm', build: () => tfl.Sequential, x: () => tf.Tensor, y: () => tf.Tensor, epochs: number): Promise<number[]> {
	await useBackend(backend);
	const model = build();
	model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
	const [xs, ys] = [x(), y()];
	const history = await model.fit(xs, ys, { epochs, batchSize: 16, shuffle: false, verbose: 0 });
	tf.dispose([xs, ys]);
	model.dispose();
	return history.history.loss as number[];
}

const labels = (n: number, classes: number) => tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % classes), 'int32'), classes);

describe('registerWasmKernels', () => {
	it('registers once, for wasm only', async () => {
		await useWasm();
		expect(registerWasmKernels()).toEqual([]);
		const missing = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum'];
		for (const name of missing) expect(tf.getKernel(name, 'wasm')).toBeDefined();
		for (const name of [...missing, 'Conv2DBackpropInput', 'BatchMatMul', 'MaxPoolGrad', 'Sum', 'Mean']) {
			const cpu = tf.getKernel(name, 'cpu');
			expect(cpu?.kernelFunc).toBeDefined();
			expect(cpu?.kernelFunc).not.toBe(tf.getKernel(name, 'wasm')?.kernelFunc);
		}
		expect(tf.getKernel('Conv2DBackpropFilter', 'webgl')).toBeUndefined();
	});

	it('lets a conv model with depthwise and dense layers fit on wasm as it does on cpu', async () => {
		const build = () =>
			tfl.sequential({
				layers: [
					tfl.layers.conv2d({ inputShape: [10, 10, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
					tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
					tfl.layers.separableConv2d({ filters: 6, kernelSize: 3, activation: 'relu', depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 3 }), pointwiseInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }),
					tfl.layers.flatten(),
					tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) })
				]
			});
		const x = () => tf.tensor4d(randomValues(48 * 10 * 10 * 2, 9), [48, 10, 10, 2]);
		const cpu = await fitLosses('cpu', build, x, () => labels(48, 3), 4);
		const wasm = await fitLosses('wasm', build, x, () => labels(48, 3), 4);
		expect(wasm[3]).toBeLessThan(wasm[0]);
		wasm.forEach((loss, i) => expect(Math.abs(loss - cpu[i]) / cpu[i]).toBeLessThan(1e-3));
	});

	it('lets an embedding model fit on wasm as it does on cpu', async () => {
		const build = () =>
			tfl.sequential({
				layers: [
					tfl.layers.embedding({ inputDim: 30, outputDim: 8, inputLength: 5, embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: 1 }) }),
					tfl.layers.globalAveragePooling1d(),
					tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) })
				]
			});
		// Class 0 sequences use tokens 0–14, class 1 tokens 15–29.
		const ids = Array.from({ length: 64 * 5 }, (_, i) => (Math.floor(i / 5) % 2) * 15 + ((i * 7) % 15));
		const x = () => tf.tensor2d(ids, [64, 5], 'int32');
		const cpu = await fitLosses('cpu', build, x, () => labels(64, 2), 5);
		const wasm = await fitLosses('wasm', build, x, () => labels(64, 2), 5);
		expect(wasm[4]).toBeLessThan(wasm[0]);
		wasm.forEach((loss, i) => expect(Math.abs(loss - cpu[i]) / cpu[i]).toBeLessThan(1e-3));
	});
});
