import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import type { Task } from '$workers/protocol';
import { buildModel } from '$workers/lib/model';
import { oneHotTensor, softmaxCrossEntropy } from '$workers/lib/losses';
import { resolveMlpOptions, type MlpOptions } from '$shared/mlp-options';
import { randomValues, relativeError, useBackend } from '$workers/lib/kernels/wasm.spec-support';
import { makeFusedDenseStep } from './fused-step';
import { maskSeedFor, mlpSteps, trainingForward, updateRunningStats, type BatchStats } from './forward';
import { makeMlpStep, makeOptimizer } from './step';

interface Case {
	name: string;
	task: Task;
	hidden: number[];
	dropout: number[];
	outputs: number;
	l2: number;
	batches: number[];
	weighted?: boolean;
	activation?: 'tanh' | 'elu' | 'sigmoid' | 'gelu';
	/** tf.train.momentum (SGD with momentum 0.9, or Nesterov) instead of Adam. */
	optimizer?: 'momentum' | 'nesterov';
	batchNorm?: boolean;
}

const CASES: Case[] = [
	{ name: 'two relu layers, dropout 0.3 after each, L2', task: 'classification', hidden: [16, 8], dropout: [0.3], outputs: 3, l2: 0.01, batches: [32, 32, 32, 7] },
	{ name: 'dropout after the first layer only', task: 'classification', hidden: [12, 6], dropout: [0.5, 0], outputs: 4, l2: 0, batches: [24, 24, 5] },
	{ name: 'weighted regression with dropout', task: 'regression', hidden: [10], dropout: [0.2], outputs: 1, l2: 0.001, batches: [20, 20, 9], weighted: true },
	{ name: 'two tanh layers, dropout 0.3, L2', task: 'classification', hidden: [16, 8], dropout: [0.3], outputs: 3, l2: 0.01, batches: [32, 32, 32, 7], activation: 'tanh' },
	{ name: 'two elu layers, no dropout', task: 'classification', hidden: [12, 6], dropout: [0], outputs: 4, l2: 0, batches: [24, 24, 5], activation: 'elu' },
	{ name: 'weighted sigmoid regression with dropout', task: 'regression', hidden: [10], dropout: [0.2], outputs: 1, l2: 0.001, batches: [20, 20, 9], weighted: true, activation: 'sigmoid' },
	{ name: 'two gelu layers, dropout 0.2, L2', task: 'classification', hidden: [16, 8], dropout: [0.2], outputs: 3, l2: 0.01, batches: [32, 32, 32, 7], activation: 'gelu' },
	{ name: 'weighted gelu regression, no dropout', task: 'regression', hidden: [10], dropout: [0], outputs: 1, l2: 0, batches: [20, 20, 9], weighted: true, activation: 'gelu' },
	{ name: 'relu with dropout and L2 on SGD + momentum', task: 'classification', hidden: [16, 8], dropout: [0.3], outputs: 3, l2: 0.01, batches: [32, 32, 32, 7], optimizer: 'momentum' },
	{ name: 'weighted tanh regression on SGD + Nesterov', task: 'regression', hidden: [10], dropout: [0], outputs: 1, l2: 0.001, batches: [20, 20, 9], weighted: true, activation: 'tanh', optimizer: 'nesterov' },
	{ name: 'relu with batch-norm, dropout 0.2 and L2', task: 'classification', hidden: [16, 8], dropout: [0.2], outputs: 3, l2: 0.01, batches: [32, 32, 32, 7], batchNorm: true },
	{ name: 'weighted gelu regression with batch-norm on SGD + momentum', task: 'regression', hidden: [12, 6], dropout: [0], outputs: 1, l2: 0, batches: [20, 20, 9], weighted: true, activation: 'gelu', batchNorm: true, optimizer: 'momentum' },
	{ name: 'tanh with batch-norm, no dropout', task: 'classification', hidden: [10], dropout: [0], outputs: 4, l2: 0, batches: [24, 24, 5], activation: 'tanh', batchNorm: true }
];
const WIDTH = 9;
const SEED = 11;

function labelsFor(c: Case, n: number, seed: number): number[] {
	const v = randomValues(n, seed);
	return c.task === 'classification' ? Array.from(v, (r) => Math.floor(((r + 1) / 2) * c.outputs)) : Array.from(v);
}

/** The autodiff path dropout runs took before (makeMlpStep without the fused step): trainingForward under tfjs's tape. */
function tapeStep(model: tfl.LayersModel, optimizer: tf.Optimizer, c: Case) {
	const steps = mlpSteps(model);
	const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
	const stats: BatchStats[] = [];
	return (x: Float32Array, y: number[], weights: Float32Array | null, maskSeed: number): number => {
		const data = tf.tidy(() => {
			const n = y.length;
			const xs = tf.tensor2d(x, [n, WIDTH]);
			const ys = c.task === 'classification' ? oneHotTensor(y, c.outputs) : tf.tensor2d(y, [n, 1]);
			let data = 0;
			optimizer.minimize(() => {
				const out = trainingForward(steps, xs, maskSeed, stats);
				let loss: tf.Scalar;
				if (weights) {
					const perRow = c.task === 'classification' ? tf.neg(tf.sum(tf.mul(ys, tf.sub(out, tf.logSumExp(out, 1, true))), 1)) : tf.sum(tf.square(tf.sub(out, ys)), 1);
					loss = tf.div(tf.sum(tf.mul(perRow, weights)), tf.sum(weights));
				} else loss = (c.task === 'classification' ? softmaxCrossEntropy(ys, out) : tf.losses.meanSquaredError(ys, out)) as tf.Scalar;
				data = loss.dataSync()[0];
				if (c.l2 === 0) return loss;
				return tf.add(loss, tf.mul(tf.addN(variables.filter((v) => v.rank === 2).map((k) => tf.sum(tf.square(k)))), c.l2)) as tf.Scalar;
			}, false, variables);
			return data;
		});
		updateRunningStats(stats);
		return data;
	};
}

async function train(backend: 'cpu' | 'wasm', c: Case, fused: boolean) {
	await useBackend(backend);
	const model = buildModel({ kind: 'mlp', inputSize: WIDTH, outputSize: c.outputs, hiddenLayers: c.hidden, seed: 5, mlp: { dropout: c.dropout, batchNorm: !!c.batchNorm, ...(c.activation ? { activation: c.activation } : {}) } });
	const optimizer = c.optimizer ? tf.train.momentum(0.05, 0.9, c.optimizer === 'nesterov') : tf.train.adam(0.05);
	const step = fused ? makeFusedDenseStep(model, optimizer, c.task, c.outputs, c.l2, { dropout: true, smooth: true }) : null;
	if (fused && !step) throw new Error('the fused step did not apply');
	const tape = tapeStep(model, optimizer, c);
	const losses: number[] = [];
	for (const [b, n] of c.batches.entries()) {
		const x = randomValues(n * WIDTH, 100 + b);
		const y = labelsFor(c, n, 200 + b);
		const weights = c.weighted ? randomValues(n, 300 + b).map((v) => 0.25 + 2 * Math.abs(v)) : null;
		const maskSeed = maskSeedFor(SEED, 1, b);
		if (step) {
			const loss = step(x, y, weights, maskSeed);
			losses.push(loss.dataSync()[0]);
			loss.dispose();
		} else losses.push(tape(x, y, weights, maskSeed));
	}
	// Biases of Dense layers a batch-norm follows.
	const beforeNorm = new Set(model.layers.flatMap((l, i) => (model.layers[i + 1]?.getClassName() === 'BatchNormalization' ? [l.weights[1].originalName] : [])));
	const weights = model.weights.map((w) => ({ name: w.originalName.split('/').pop()!, beforeNorm: beforeNorm.has(w.originalName), values: w.read().dataSync() as Float32Array }));
	model.dispose();
	optimizer.dispose();
	return { losses, weights };
}

/**
 * makeMlpStep for a 3-class network with these options: one step, then a second under tf.profile.
 * Returns its kernel names and how many tensors the second step left behind (none, when it tidies).
 */
async function profiledMlpStep(mlp: MlpOptions, hiddenLayers: number[], optimizer?: tf.Optimizer) {
	const options = resolveMlpOptions(mlp);
	const model = buildModel({ kind: 'mlp', inputSize: WIDTH, outputSize: 3, hiddenLayers, seed: 1, mlp: options });
	const opt = optimizer ?? makeOptimizer(options, 0.01);
	const step = makeMlpStep(model, opt, { task: 'classification', classes: 3, l2: 0, learningRate: 0.01, seed: 3, options });
	const x = randomValues(10 * WIDTH, 1);
	const at = { epoch: 1, batch: 0, batchesPerEpoch: 1, epochs: 1 };
	step(x, labelsFor(CASES[0], 10, 2), null, at).dispose();
	const before = tf.memory().numTensors;
	const profile = await tf.profile(() => step(x, labelsFor(CASES[0], 10, 2), null, at).dispose());
	return { model, optimizer: opt, x, kernelNames: profile.kernelNames, leaked: tf.memory().numTensors - before };
}

describe('the fused step with dropout and smooth activations', () => {
	it.each(CASES.map((c) => [c.name, c] as const))('%s: the same masks and, to float rounding, the same step as trainingForward under autodiff', async (_, c) => {
		for (const backend of ['cpu', 'wasm'] as const) {
			const ours = await train(backend, c, true);
			const theirs = await train('cpu', c, false);
			const tolerance = backend === 'cpu' ? 1e-5 : 1e-4;
			ours.losses.forEach((l, i) => expect(Math.abs(l - theirs.losses[i])).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(theirs.losses[i]))));
			ours.weights.forEach((w, i) => {
				expect(w.name).toBe(theirs.weights[i].name);
				// Before a batch-norm the bias's gradient is 0 on the fused step and rounding noise under autodiff (which Adam
				// scales to full steps); the running mean carries that bias. Neither changes what the network computes in training.
				if (w.beforeNorm) {
					expect(Math.max(...w.values.map(Math.abs))).toBe(0);
					// SGD moves that noise by rate × noise only, so there the tape's bias and running mean stay where ours are.
					if (c.optimizer) expect(Math.max(...theirs.weights[i].values.map(Math.abs))).toBeLessThan(1e-6);
				} else if (w.name !== 'moving_mean' || c.optimizer) expect(relativeError(w.values, theirs.weights[i].values), `${backend} ${w.name}`).toBeLessThan(tolerance);
			});
		}
	});

	it('is what makeMlpStep runs for a relu network with dropout and Adam; it needs a mask seed, and only callers that pass one get it', async () => {
		await useBackend('wasm');
		const { model, optimizer: adam, x, kernelNames, leaked } = await profiledMlpStep({ dropout: [0.25] }, [8]);
		expect(kernelNames).toContain('KilnAdamUpdate');
		expect(leaked).toBe(0);
		expect(makeFusedDenseStep(model, adam, 'classification', 3, 0)).toBeNull();
		const fused = makeFusedDenseStep(model, adam, 'classification', 3, 0, { dropout: true })!;
		expect(() => fused(x, labelsFor(CASES[0], 10, 2))).toThrow(/mask seed/);
		model.dispose();
		adam.dispose();
	});

	it('is what makeMlpStep runs for SGD with momentum or Nesterov, and checkpoints see its accumulations', async () => {
		await useBackend('wasm');
		for (const nesterov of [false, true]) {
			const { model, optimizer: sgd, kernelNames, leaked } = await profiledMlpStep({ optimizer: 'sgd', momentum: 0.9, nesterov, dropout: [0.2] }, [8]);
			expect(kernelNames).toContain('KilnDenseLoss');
			expect(leaked).toBe(0);
			const saved = await sgd.getWeights();
			expect(saved.map((w) => w.name)).toEqual(['iter', ...model.trainableWeights.map((w) => `${(w.read() as tf.Variable).name}/momentum`)]);
			expect(saved[0].tensor.dataSync()[0]).toBe(2);
			model.dispose();
			sgd.dispose();
		}
	});

	it('is what makeMlpStep runs for a batch-norm network, whose running averages move as on the tape', async () => {
		await useBackend('wasm');
		const { model, optimizer: adam, kernelNames, leaked } = await profiledMlpStep({ batchNorm: true, dropout: [0.1] }, [8, 4]);
		// Two steps moved the running variance away from its initial 1.
		expect(model.weights.find((w) => w.originalName.endsWith('moving_variance'))!.read().dataSync()[0]).not.toBe(1);
		expect(kernelNames).toContain('KilnDenseLoss');
		expect(leaked).toBe(0);
		model.dispose();
		adam.dispose();
	});

	it('is what makeMlpStep runs for a tanh, elu or gelu network; callers that do not ask keep their own step', async () => {
		await useBackend('wasm');
		for (const activation of ['tanh', 'elu', 'gelu'] as const) {
			const { model, optimizer: adam, kernelNames, leaked } = await profiledMlpStep({ activation, dropout: [0.25] }, [8, 4]);
			expect(kernelNames).toContain('KilnSmoothBackward');
			expect(leaked).toBe(0);
			expect(makeFusedDenseStep(model, adam, 'classification', 3, 0, { dropout: true })).toBeNull();
			model.dispose();
			adam.dispose();
		}
	});
});
