import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { randomValues, relativeError, useBackend, useWasm } from '$workers/lib/kernels/wasm.spec-support';
import { buildCnn } from './cnn';
import { fastCnnForward } from './fast-forward';
import type { CnnSpec } from './types';

const SPEC: CnnSpec = {
	input: { height: 12, width: 12, channels: 2 },
	classes: 3,
	layers: [
		{ type: 'conv2d', filters: 6, kernel: 3, padding: 'valid', activation: 'relu' },
		{ type: 'maxPool', size: 2 },
		{ type: 'conv2d', filters: 8, kernel: [3, 2], padding: 'same', activation: 'relu' },
		{ type: 'maxPool', size: 3, stride: 2, padding: 'same' },
		{ type: 'conv2d', filters: 4, kernel: 1, stride: 2, activation: 'relu' },
		{ type: 'batchNorm' },
		{ type: 'flatten' },
		{ type: 'dense', units: 10, activation: 'relu' }
	]
};

/** Loss and gradients of every weight for one batch, via `forward`. */
function lossAndGrads(model: tfl.LayersModel, forward: (x: tf.Tensor) => tf.Tensor, x: Float32Array, n: number): tf.Tensor[] {
	const xs = tf.tensor4d(x, [n, 12, 12, 2]);
	const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
	const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(forward(xs))) as tf.Scalar, vars);
	return [value, ...vars.map((v) => grads[v.name])];
}

describe('fastCnnForward', () => {
	it('is not used off wasm', async () => {
		await useBackend('cpu');
		const model = buildCnn(SPEC, 1);
		expect(fastCnnForward(model)).toBeNull();
		model.dispose();
	});

	it('gives the outputs and gradients of model.apply on wasm (and of the cpu backend)', async () => {
		const x = randomValues(5 * 12 * 12 * 2, 4).map((v) => Math.abs(v));
		await useBackend('cpu');
		let model = buildCnn(SPEC, 3);
		const cpu = await Promise.all(tf.tidy(() => lossAndGrads(model, (xs) => model.apply(xs, { training: true }) as tf.Tensor, x, 5)).map((t) => t.data()));
		model.dispose();
		await useWasm();
		model = buildCnn(SPEC, 3);
		const fast = fastCnnForward(model)!;
		expect(fast).not.toBeNull();
		const fused = await Promise.all(tf.tidy(() => lossAndGrads(model, (xs) => fast(xs, true), x, 5)).map((t) => t.data()));
		const plain = await Promise.all(tf.tidy(() => lossAndGrads(model, (xs) => model.apply(xs, { training: true }) as tf.Tensor, x, 5)).map((t) => t.data()));
		expect(fused.length).toBe(cpu.length);
		fused.forEach((values, i) => {
			expect(relativeError(values, plain[i])).toBeLessThan(1e-4);
			expect(relativeError(values, cpu[i])).toBeLessThan(1e-4);
		});
		model.dispose();
	});
});
