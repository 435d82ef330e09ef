import '$workers/lib/kernels/gemm.spec-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../tests/unit-support';
import { buildModel } from '$workers/lib/model';
import { relativeError, useBackend } from '$workers/lib/kernels/wasm.spec-support';
import { setGemmMode, type GemmMode } from '$workers/lib/kernels/gemm-kernel';
import { makeFusedDenseStep } from './fused-step';

afterEach(() => setGemmMode('auto'));

/** The digits demo set: 1,797 rows of 64 pixels (0–16, scaled to [0, 1]) and the digit. */
function digits(): { x: Float32Array; y: Int32Array; width: number } {
	const table = loadDataset('digits.csv');
	const pixels = table.columns.filter((c) => c.name !== 'digit');
	const label = table.columns.find((c) => c.name === 'digit')!;
	const n = table.rowCount;
	const x = new Float32Array(n * pixels.length);
	pixels.forEach((c, j) => {
		if (c.kind !== 'numeric') throw new Error(`${c.name} is not numeric`);
		for (let r = 0; r < n; r++) x[r * pixels.length + j] = c.values[r] / 16;
	});
	const y = label.kind === 'numeric' ? Int32Array.from(label.values) : Int32Array.from(label.codes, (code) => Number(label.categories[code]));
	return { x, y, width: pixels.length };
}

const DATA = digits();
const BATCH = 128;
// 32 hidden units: the first layer's forward and weight gradient go to KilnGemm on wasm; the last batch (5 rows) is narrower than a tile.
const HIDDEN = [32];

/** Train the digits MLP with tfjs's autodiff + AdamOptimizer (no fused step) or the fused step. */
async function train(backend: 'cpu' | 'wasm', fused: boolean, epochs: number, mode: GemmMode = 'auto') {
	await useBackend(backend);
	setGemmMode(mode);
	const model = buildModel({ kind: 'mlp', inputSize: DATA.width, outputSize: 10, hiddenLayers: HIDDEN, seed: 7 });
	const optimizer = tf.train.adam(0.01);
	const step = fused ? makeFusedDenseStep(model, optimizer, 'classification', 10, 0) : null;
	if (fused && !step) throw new Error('the fused step did not apply');
	const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
	const n = DATA.y.length;
	const kernels = new Set<string>();
	for (let e = 0; e < epochs; e++) {
		for (let at = 0; at < n; at += BATCH) {
			const x = DATA.x.subarray(at * DATA.width, Math.min(n, at + BATCH) * DATA.width);
			const y = DATA.y.subarray(at, Math.min(n, at + BATCH));
			if (step && at === 0 && e === 0) (await tf.profile(() => step(x, y).dispose())).kernelNames.forEach((k) => kernels.add(k));
			else if (step) step(x, y).dispose();
			else
				tf.tidy(() => {
					const xs = tf.tensor2d(x, [y.length, DATA.width]);
					const ys = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
					optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, false, variables);
				});
		}
	}
	const predicted = tf.tidy(() => tf.argMax(model.predict(tf.tensor2d(DATA.x, [n, DATA.width])) as tf.Tensor, 1).dataSync());
	const accuracy = Array.from(predicted).reduce((hits: number, p, r) => hits + (p === DATA.y[r] ? 1 : 0), 0) / n;
	const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
	model.dispose();
	optimizer.dispose();
	return { weights, accuracy, kernels };
}

const references = new Map<number, ReturnType<typeof train>>();
/** tfjs's own training on cpu, once per epoch count. */
function reference(epochs: number) {
	if (!references.has(epochs)) references.set(epochs, train('cpu', false, epochs));
	return references.get(epochs)!;
}

describe('the fused step with Kiln GEMM on the digits set', () => {
	// FMA rounds a·b + c once where tfjs rounds twice: no longer the same bits, but the same training.
	it.each(['fma', 'plain'] as const)('%s tiles on wasm: weights after 2 epochs (29 steps) within 1e-5 of tfjs autodiff + Adam on cpu', async (mode) => {
		const ours = await train('wasm', true, 2, mode);
		expect(ours.kernels).toContain('KilnGemm');
		const theirs = await reference(2);
		ours.weights.forEach((w, i) => expect(relativeError(w, theirs.weights[i])).toBeLessThan(1e-5));
	});

	it('is deterministic: the same seed gives the same weights, bit for bit, on the same engine', async () => {
		const first = await train('wasm', true, 1, 'fma');
		const again = await train('wasm', true, 1, 'fma');
		first.weights.forEach((w, i) => expect(Array.from(again.weights[i])).toEqual(Array.from(w)));
	});

	it('trains as well as tfjs: training accuracy after 6 epochs at least tfjs’s on cpu (less 0.005) and above 0.95', async () => {
		const ours = await train('wasm', true, 6, 'fma');
		const theirs = await reference(6);
		expect(ours.accuracy).toBeGreaterThanOrEqual(theirs.accuracy - 0.005);
		expect(ours.accuracy).toBeGreaterThan(0.95);
	});
});
