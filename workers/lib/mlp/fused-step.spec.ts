import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import type { Task } from '$workers/protocol';
import { buildModel } from '$workers/lib/model';
import { makeTrainStep } from '$workers/lib/train';
import { captureCheckpoint } from '$workers/lib/checkpoint';
import { randomValues, relativeError, useBackend } from '$workers/lib/kernels/wasm.spec-support';
import { makeFusedDenseStep } from './fused-step';

interface Case {
	name: string;
	task: Task;
	hidden: number[];
	outputs: number;
	l2: number;
	/** Rows per batch; the last batch is ragged when rows do not divide. */
	batches: number[];
	/** Per-row weights (class weights, reweighing). */
	weighted?: boolean;
}

const CASES: Case[] = [
	{ name: 'two relu layers, 3 classes', task: 'classification', hidden: [16, 8], outputs: 3, l2: 0, batches: [32, 32, 32, 7] },
	{ name: 'one relu layer with L2', task: 'classification', hidden: [12], outputs: 4, l2: 0.01, batches: [24, 24, 24, 24, 5] },
	{ name: 'regression', task: 'regression', hidden: [10], outputs: 1, l2: 0.001, batches: [20, 20, 20] },
	{ name: 'linear (no hidden layer)', task: 'classification', hidden: [], outputs: 2, l2: 0, batches: [16, 16, 16] },
	{ name: 'row weights with L2', task: 'classification', hidden: [12], outputs: 3, l2: 0.01, batches: [24, 24, 9], weighted: true },
	{ name: 'weighted regression', task: 'regression', hidden: [6, 5], outputs: 1, l2: 0, batches: [20, 20, 20], weighted: true }
];
const WIDTH = 9;

function labelsFor(c: Case, n: number, seed: number): number[] {
	const v = randomValues(n, seed);
	return c.task === 'classification' ? Array.from(v, (r) => Math.floor(((r + 1) / 2) * c.outputs)) : Array.from(v);
}

/** tfjs's own path: model.apply under autodiff, tf.losses, tfjs's AdamOptimizer. */
function referenceStep(model: tfl.LayersModel, optimizer: tf.Optimizer, c: Case) {
	const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
	return (x: Float32Array, y: number[], weights: Float32Array | null): number =>
		tf.tidy(() => {
			const n = y.length;
			const xs = tf.tensor2d(x, [n, WIDTH]);
			let data = 0;
			optimizer.minimize(() => {
				const out = model.apply(xs, { training: true }) as tf.Tensor2D;
				const ys = c.task === 'classification' ? tf.oneHot(tf.tensor1d(y, 'int32'), c.outputs) : tf.tensor2d(y, [n, 1]);
				let loss: tf.Scalar;
				if (weights) {
					// As trust/weighted-step.ts writes it with tfjs ops.
					const perRow = c.task === 'classification' ? tf.neg(tf.sum(tf.mul(ys, tf.sub(out, tf.logSumExp(out, 1, true))), 1)) : tf.sum(tf.square(tf.sub(out, ys)), 1);
					loss = tf.div(tf.sum(tf.mul(perRow, weights)), tf.sum(weights));
				} else loss = (c.task === 'classification' ? tf.losses.softmaxCrossEntropy(ys, out) : tf.losses.meanSquaredError(ys, out)) as tf.Scalar;
				data = loss.dataSync()[0];
				if (c.l2 === 0) return loss;
				return tf.add(loss, tf.mul(tf.addN(variables.filter((v) => v.rank === 2).map((k) => tf.sum(tf.square(k)))), c.l2)) as tf.Scalar;
			}, false, variables);
			return data;
		});
}

/** Train `c` on `backend` with the fused step or tfjs's path; the weights, losses and Adam state after. */
async function train(backend: 'cpu' | 'wasm', c: Case, fused: boolean) {
	await useBackend(backend);
	const model = buildModel({ kind: c.hidden.length > 0 ? 'mlp' : 'linear', inputSize: WIDTH, outputSize: c.outputs, hiddenLayers: c.hidden, seed: 5 });
	const optimizer = tf.train.adam(0.05);
	const fusedStep = fused ? makeFusedDenseStep(model, optimizer, c.task, c.outputs, c.l2) : null;
	if (fused && !fusedStep) throw new Error('the fused step did not apply');
	const reference = referenceStep(model, optimizer, c);
	const losses: number[] = [];
	for (const [b, n] of c.batches.entries()) {
		const x = randomValues(n * WIDTH, 100 + b);
		const y = labelsFor(c, n, 200 + b);
		const weights = c.weighted ? randomValues(n, 300 + b).map((v) => 0.25 + 2 * Math.abs(v)) : null;
		if (fusedStep) {
			const loss = fusedStep(x, y, weights);
			losses.push(loss.dataSync()[0]);
			loss.dispose();
		} else losses.push(reference(x, y, weights));
	}
	const checkpoint = await captureCheckpoint(model, optimizer, 1, [], 0);
	const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
	const state = Object.values(tf.io.decodeWeights(checkpoint.optimizer.data, checkpoint.optimizer.specs as tf.io.WeightsManifestEntry[])).map((t) => t.dataSync() as Float32Array);
	model.dispose();
	optimizer.dispose();
	return { losses, weights, state, powers: checkpoint.adamPowers, names: checkpoint.optimizer.specs.map((s) => s.name.replace(/\d+/g, '')) };
}

describe('makeFusedDenseStep', () => {
	// Unweighted, the host kernels do tfjs's float32 operations in tfjs's order: the very same bits.
	// Row weights are summed in another order than tfjs's chain of ops: equal to rounding.
	it.each(CASES.map((c) => [c.name, c] as const))('%s: on cpu the result of tfjs autodiff + AdamOptimizer (bit for bit unless weighted)', async (_, c) => {
		const ours = await train('cpu', c, true);
		const theirs = await train('cpu', c, false);
		expect(ours.names).toEqual(theirs.names);
		expect(ours.powers).toEqual(theirs.powers);
		if (!c.weighted) {
			expect(ours.losses).toEqual(theirs.losses);
			ours.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(theirs.weights[i])));
			ours.state.forEach((s, i) => expect(Array.from(s)).toEqual(Array.from(theirs.state[i])));
			return;
		}
		ours.losses.forEach((l, i) => expect(Math.abs(l - theirs.losses[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(theirs.losses[i]))));
		ours.weights.forEach((w, i) => expect(relativeError(w, theirs.weights[i])).toBeLessThan(1e-5));
		ours.state.forEach((s, i) => expect(relativeError(s, theirs.state[i])).toBeLessThan(1e-5));
	});

	it.each(CASES.map((c) => [c.name, c] as const))('%s: on wasm within float tolerance of the cpu backend', async (_, c) => {
		const ours = await train('wasm', c, true);
		const theirs = await train('cpu', c, false);
		expect(ours.powers).toEqual(theirs.powers);
		ours.losses.forEach((l, i) => expect(Math.abs(l - theirs.losses[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(theirs.losses[i]))));
		ours.weights.forEach((w, i) => expect(relativeError(w, theirs.weights[i])).toBeLessThan(1e-4));
		ours.state.forEach((s, i) => expect(relativeError(s, theirs.state[i])).toBeLessThan(1e-4));
	});

	it('is what makeTrainStep runs for a plain MLP with Adam, leaves no tensors behind, and declines other optimisers', async () => {
		await useBackend('wasm');
		const model = buildModel({ kind: 'mlp', inputSize: WIDTH, outputSize: 3, hiddenLayers: [8], seed: 1 });
		const adam = tf.train.adam(0.01);
		const step = makeTrainStep(model, adam, 'classification', 3, 0);
		const x = randomValues(10 * WIDTH, 1);
		step(x, labelsFor(CASES[0], 10, 2)).dispose();
		const before = tf.memory().numTensors;
		step(x, labelsFor(CASES[0], 10, 2)).dispose();
		expect(tf.memory().numTensors).toBe(before);
		const profile = await tf.profile(() => step(x, labelsFor(CASES[0], 10, 2)).dispose());
		expect(profile.kernelNames).toContain('KilnAdamUpdate');
		// Plain SGD (no momentum slot) keeps tfjs's own step; Momentum and Adam are fused.
		const sgd = tf.train.sgd(0.01);
		expect(makeFusedDenseStep(model, sgd, 'classification', 3, 0)).toBeNull();
		model.dispose();
		adam.dispose();
		sgd.dispose();
	});
});
