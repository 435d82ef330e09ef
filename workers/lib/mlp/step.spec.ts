import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MLP_OPTIONS, resolveMlpOptions, type MlpOptions } from '$shared/mlp-options';
import { useCpu } from '../../../tests/unit-support';
import { buildModel } from '$workers/lib/model';
import { createRng } from '$workers/lib/random';
import { foldForStorage } from './fold';
import { makeMlpStep, makeOptimizer } from './step';

beforeAll(useCpu);

const rows = 32;
const width = 4;
/** Random features whose first input is always 0, so its first-layer weights get no data gradient. */
function data(seed: number) {
	const rng = createRng(seed);
	const x = Float32Array.from({ length: rows * width }, (_, i) => (i % width === 0 ? 0 : rng() * 2 - 1));
	const y = Array.from({ length: rows }, (_, r) => (x[r * width + 1] + x[r * width + 2] > 0 ? 1 : 0));
	return { x, y };
}

async function firstKernelAfterOneStep(mlp: MlpOptions, l2: number, lr: number) {
	const shape = { kind: 'mlp' as const, inputSize: width, outputSize: 2, hiddenLayers: [8], seed: 3, mlp };
	const model = buildModel(shape);
	const options = resolveMlpOptions(mlp);
	const optimizer = makeOptimizer(options, lr);
	const before = (model.getWeights()[0].arraySync() as number[][])[0];
	const step = makeMlpStep(model, optimizer, { task: 'classification', classes: 2, l2, learningRate: lr, seed: 3, options });
	const { x, y } = data(5);
	step(x, y, null, { epoch: 1, batch: 0, batchesPerEpoch: 1, epochs: 1 }).dispose();
	const after = (model.getWeights()[0].arraySync() as number[][])[0];
	model.dispose();
	optimizer.dispose();
	return { before, after };
}

describe('AdamW: decoupled weight decay is not Adam with an L2 term', () => {
	it('shrinks a weight without data gradient by exactly (1 − rate·decay), where Adam + L2 moves it by the full rate', async () => {
		const lr = 0.01;
		const decay = 0.1;
		const w = await firstKernelAfterOneStep({ optimizer: 'adamw', weightDecay: decay }, 0, lr);
		// The L2 term whose gradient equals the decay: d/dw (λ w²) = 2λw = decay·w.
		const l2 = await firstKernelAfterOneStep({ optimizer: 'adam', activation: 'relu', schedule: 'step' }, decay / 2, lr);
		w.after.forEach((v, j) => expect(v).toBeCloseTo(w.before[j] * (1 - lr * decay), 6));
		// Adam normalises the L2 gradient by its own size: the first step is lr · sign(w), whatever w is.
		l2.after.forEach((v, j) => expect(v).toBeCloseTo(l2.before[j] - lr * Math.sign(l2.before[j]), 4));
		// Same start (same seed), so the two rules end apart by far more than rounding.
		expect(w.before).toEqual(l2.before);
		expect(Math.max(...w.after.map((v, j) => Math.abs(v - l2.after[j])))).toBeGreaterThan(lr / 2);
	});

	it('with decay 0 it is Adam exactly', async () => {
		const a = await firstKernelAfterOneStep({ optimizer: 'adamw', weightDecay: 0 }, 0, 0.01);
		const b = await firstKernelAfterOneStep({ optimizer: 'adam', schedule: 'step' }, 0, 0.01);
		expect(a.after).toEqual(b.after);
	});
});

describe('makeMlpStep', () => {
	it('leaks no tensors across steps with batch-norm, dropout, weights and AdamW', () => {
		const mlp = { activation: 'gelu' as const, batchNorm: true, dropout: [0.3], optimizer: 'adamw' as const, schedule: 'cosine' as const, warmupEpochs: 1 };
		const model = buildModel({ kind: 'mlp', inputSize: width, outputSize: 2, hiddenLayers: [8, 4], seed: 1, mlp });
		const options = resolveMlpOptions(mlp);
		const optimizer = makeOptimizer(options, 0.01);
		const step = makeMlpStep(model, optimizer, { task: 'classification', classes: 2, l2: 0.001, learningRate: 0.01, seed: 1, options });
		const { x, y } = data(8);
		const weights = y.map((k) => (k === 1 ? 2 : 0.5));
		const counts: number[] = [];
		for (let b = 0; b < 6; b++) {
			step(x, y, weights, { epoch: 1 + Math.floor(b / 3), batch: b % 3, batchesPerEpoch: 3, epochs: 2 }).dispose();
			counts.push(tf.memory().numTensors);
		}
		// The first step creates the optimiser's moments; after that the count stays put.
		expect(new Set(counts.slice(1)).size).toBe(1);
		model.dispose();
		optimizer.dispose();
	});
});

describe('foldForStorage', () => {
	it('folds batch-norm into the Dense layer before it and drops dropout, with the same outputs at inference', () => {
		const shape = { kind: 'mlp' as const, inputSize: width, outputSize: 3, hiddenLayers: [6, 5], seed: 9, mlp: { ...DEFAULT_MLP_OPTIONS, activation: 'elu' as const, batchNorm: true, dropout: [0.3] } };
		const model = buildModel(shape);
		const rng = createRng(11);
		// Non-trivial running statistics and scales, as training leaves them.
		model.setWeights(model.weights.map((w) => tf.tensor(Float32Array.from({ length: (w.shape as number[]).reduce((a, b) => a * b, 1) }, () => (w.name.includes('variance') ? 0.2 + rng() : rng() * 2 - 1)), w.shape as number[])));
		const folded = foldForStorage(model, shape);
		expect(folded.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense', 'Dense']);
		const xs = tf.tensor2d(data(2).x.map((v, i) => v + (i % width === 0 ? 0.5 : 0)), [rows, width]);
		const a = (model.predict(xs) as tf.Tensor).dataSync() as Float32Array;
		const b = (folded.predict(xs) as tf.Tensor).dataSync() as Float32Array;
		const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
		expect(worst).toBeLessThan(1e-5);
		expect(Math.max(...Array.from(a, Math.abs))).toBeGreaterThan(0.1);
		model.dispose();
		folded.dispose();
	});
});
