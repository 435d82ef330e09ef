import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { denseForward, denseLayers } from './dense';
import { buildModel } from './model';
import { createRng } from './random';
import { useCpu, useWasm } from '../../tests/unit-support';

function randomMatrix(rows: number, cols: number, seed: number): tf.Tensor2D {
	const rng = createRng(seed);
	return tf.tensor2d(Float32Array.from({ length: rows * cols }, () => rng() * 2 - 1), [rows, cols]);
}

/** Loss value and weight gradients of a fixed loss on the model's output, by forward function. */
function lossAndGrads(model: tfl.LayersModel, forward: (xs: tf.Tensor2D) => tf.Tensor2D, xs: tf.Tensor2D, target: tf.Tensor2D) {
	const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
	const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(target, forward(xs)) as tf.Scalar, variables);
	const result = { value: value.dataSync()[0], grads: variables.map((v) => grads[v.name].dataSync() as Float32Array) };
	tf.dispose([value, grads]);
	return result;
}

// The hand-written backward exists for tfjs-backend-wasm, so it is checked there as well as on
// cpu. XNNPACK sums in another order than tfjs's own wasm kernels: values agree to rounding.
describe.each([
	['cpu', useCpu, 0],
	['wasm', useWasm, 1e-6]
] as const)('denseForward on %s', (backend, use, tolerance) => {
	beforeAll(use);

	it('really runs on that backend', () => expect(tf.getBackend()).toBe(backend));

	it.each([
		['mlp', [32, 16], 3, 37],
		['mlp', [8], 1, 5],
		['linear', [], 2, 64]
	] as const)('gives the outputs and gradients of model.apply (%s %j → %i, %i rows)', (kind, hiddenLayers, outputSize, rows) => {
		const model = buildModel({ kind, inputSize: 12, outputSize, hiddenLayers: [...hiddenLayers], seed: 3 });
		const layers = denseLayers(model)!;
		expect(layers).toHaveLength(hiddenLayers.length + 1);
		const xs = randomMatrix(rows, 12, 1);
		const target = randomMatrix(rows, outputSize, 2);
		const ours = tf.tidy(() => denseForward(layers, xs));
		const theirs = tf.tidy(() => model.apply(xs, { training: true }) as tf.Tensor2D);
		const o = ours.dataSync() as Float32Array;
		const t = theirs.dataSync() as Float32Array;
		expect(o.reduce((m, v, j) => Math.max(m, Math.abs(v - t[j])), 0)).toBeLessThanOrEqual(tolerance);

		const a = lossAndGrads(model, (x) => denseForward(layers, x), xs, target);
		const b = lossAndGrads(model, (x) => model.apply(x, { training: true }) as tf.Tensor2D, xs, target);
		expect(Math.abs(a.value - b.value)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(b.value)));
		a.grads.forEach((g, i) => {
			const worst = g.reduce((m, v, j) => Math.max(m, Math.abs(v - b.grads[i][j])), 0);
			expect(worst).toBeLessThanOrEqual(1e-6 + tolerance);
		});
		tf.dispose([ours, theirs, xs, target]);
		model.dispose();
	});

	it('leaves no tensors behind after a gradient step', () => {
		const model = buildModel({ kind: 'mlp', inputSize: 6, outputSize: 2, hiddenLayers: [4, 3], seed: 1 });
		const layers = denseLayers(model)!;
		const xs = randomMatrix(9, 6, 4);
		const before = tf.memory().numTensors;
		const { value, grads } = tf.variableGrads(() => tf.sum(denseForward(layers, xs)));
		tf.dispose([value, grads]);
		expect(tf.memory().numTensors).toBe(before);
		xs.dispose();
		model.dispose();
	});

	it('declines models it cannot differentiate by hand, so training falls back to autodiff', () => {
		const sigmoid = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, activation: 'sigmoid', inputShape: [3] }), tfl.layers.dense({ units: 1 })] });
		const noBias = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, useBias: false, inputShape: [3] })] });
		const dropout = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), tfl.layers.dropout({ rate: 0.5 }), tfl.layers.dense({ units: 1 })] });
		expect(denseLayers(sigmoid)).toBeNull();
		expect(denseLayers(noBias)).toBeNull();
		expect(denseLayers(dropout)).toBeNull();
		[sigmoid, noBias, dropout].forEach((m) => m.dispose());
	});
});
