import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { useCpu } from '../../../tests/unit-support';
import { argmaxRows, buildModel, forward } from '$workers/lib/model';
import { createRng } from '$workers/lib/random';
import type { Task } from '$workers/protocol';
import { clippedGradients, dpDenseLayers } from './dp-gradients';
import { trainDpSgd } from './dp-sgd';
import { breastCancer } from './dp-sgd.spec-support';
import { epsilon, sigmaFor } from './rdp';

beforeAll(useCpu);

function randomBatch(n: number, width: number, seed: number, task: Task, classes: number) {
	const rng = createRng(seed);
	const x = Float32Array.from({ length: n * width }, () => (rng() - 0.5) * 6);
	const y = Array.from({ length: n }, () => (task === 'classification' ? Math.floor(rng() * classes) : (rng() - 0.5) * 4));
	return { x, y };
}

/** Option (a) of RECIPES §1: a microbatch of one, gradient by tfjs autodiff through model.apply. */
function perExampleGradients(model: tfl.LayersModel, x: Float32Array, y: number[], task: Task, classes: number): Float32Array[] {
	const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
	const width = x.length / y.length;
	return y.map((label, i) =>
		tf.tidy(() => {
			const xi = tf.tensor2d(x.subarray(i * width, (i + 1) * width), [1, width]);
			const loss = () => {
				const out = model.apply(xi) as tf.Tensor2D;
				if (task === 'classification') return tf.losses.softmaxCrossEntropy(tf.oneHot([label], classes), out, undefined, undefined, tf.Reduction.SUM) as tf.Scalar;
				return tf.sum(tf.square(tf.sub(out, label))) as tf.Scalar;
			};
			const { grads } = tf.variableGrads(loss, variables);
			return Float32Array.from(variables.flatMap((v) => Array.from(grads[v.name].dataSync())));
		})
	);
}

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, a) => s + a * a, 0));

describe.each([
	['classification MLP', 'classification' as Task, 3, [8, 5]],
	['regression MLP', 'regression' as Task, 1, [6]],
	['logistic (linear) model', 'classification' as Task, 2, []]
])('per-example clipping on a %s', (_, task, classes, hidden) => {
	const width = 7;
	const n = 12;
	const clipNorm = 1.5;
	const model = buildModel({ kind: hidden.length ? 'mlp' : 'linear', inputSize: width, outputSize: classes, hiddenLayers: hidden, seed: 3 });
	const { x, y } = randomBatch(n, width, 11, task, classes);
	const explicit = perExampleGradients(model, x, y, task, classes);
	const layers = dpDenseLayers(model);
	const batch = tf.tidy(() => clippedGradients(layers, tf.tensor2d(x, [n, width]), y, task, classes, clipNorm));
	const norms = batch.norms.dataSync();
	const factors = batch.factors.dataSync();
	const clippedSum = Float32Array.from(batch.grads.flatMap((g) => Array.from(g.dataSync())));

	it('ghost norms match per-example autodiff norms within 1e-4 relative', () => {
		explicit.forEach((g, i) => expect(Math.abs(norms[i] - norm(g)) / norm(g)).toBeLessThan(1e-4));
		// Some examples must actually be clipped, or the next checks would prove nothing.
		expect(Array.from(norms).filter((v) => v > clipNorm).length).toBeGreaterThan(0);
	});

	it('every clipped per-example gradient has norm ≤ C', () => {
		explicit.forEach((g, i) => expect(norm(g.map((v) => v * factors[i]))).toBeLessThanOrEqual(clipNorm * (1 + 1e-6)));
	});

	it('the clipped sum equals the sum of explicitly clipped per-example gradients', () => {
		const expected = new Float32Array(clippedSum.length);
		explicit.forEach((g, i) => {
			const c = Math.min(1, clipNorm / (norm(g) + 1e-6));
			g.forEach((v, k) => (expected[k] += c * v));
		});
		const scale = norm(expected);
		expected.forEach((v, k) => expect(Math.abs(clippedSum[k] - v)).toBeLessThan(1e-5 * scale));
	});

	it('equals the reweighted second pass: the autodiff gradient of Σ cᵢLᵢ', () => {
		const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
		const secondPass = tf.tidy(() => {
			const { grads } = tf.variableGrads(() => {
				const logits = model.apply(tf.tensor2d(x, [n, width])) as tf.Tensor2D;
				const weights = tf.tensor1d(factors);
				const perExample =
					task === 'classification'
						? (tf.losses.softmaxCrossEntropy(tf.oneHot(y, classes), logits, undefined, undefined, tf.Reduction.NONE) as tf.Tensor1D)
						: tf.sum(tf.square(tf.sub(logits, tf.tensor2d(y, [n, 1]))), 1);
				return tf.sum(tf.mul(perExample, weights)) as tf.Scalar;
			}, variables);
			return Float32Array.from(variables.flatMap((v) => Array.from(grads[v.name].dataSync())));
		});
		const scale = norm(secondPass);
		secondPass.forEach((v, k) => expect(Math.abs(clippedSum[k] - v)).toBeLessThan(1e-5 * scale));
	});
});

describe('trainDpSgd', () => {
	const small = () => {
		const { x, y } = randomBatch(200, 4, 5, 'classification', 2);
		// A learnable rule, so the loss has somewhere to go.
		for (let i = 0; i < 200; i++) y[i] = x[i * 4] + x[i * 4 + 1] > 0 ? 1 : 0;
		return { x, y };
	};

	it('reports after every epoch the accountant’s ε for the steps taken', async () => {
		const { x, y } = small();
		const model = buildModel({ kind: 'linear', inputSize: 4, outputSize: 2, hiddenLayers: [], seed: 1 });
		const seen: number[] = [];
		const progress: number[] = [];
		const result = await trainDpSgd(model, x, y, 'classification', 2, {
			clipNorm: 1, noiseMultiplier: 1.2, batchSize: 20, epochs: 4, delta: 1e-5, lr: 0.05, seed: 7, secureNoise: false,
			onEpoch: (r) => void seen.push(r.epsilon),
			onProgress: (fraction) => void progress.push(fraction)
		});
		expect(progress).toHaveLength(40);
		expect(progress.at(-1)).toBe(1);
		expect(result.curve.map((r) => r.steps)).toEqual([10, 20, 30, 40]);
		result.curve.forEach((r) => expect(r.epsilon).toBe(epsilon(0.1, 1.2, r.steps, 1e-5)));
		expect(seen).toEqual(result.curve.map((r) => r.epsilon));
		expect(result.epsilon).toBe(result.curve.at(-1)!.epsilon);
		expect(result.curve.at(-1)!.trainLoss).toBeLessThan(result.curve[0].trainLoss);
		model.dispose();
	});

	it('resumes a run: the accountant keeps counting the steps already taken', async () => {
		const { x, y } = small();
		const model = buildModel({ kind: 'linear', inputSize: 4, outputSize: 2, hiddenLayers: [], seed: 1 });
		const optimizer = tf.train.adam(0.05);
		const options = { clipNorm: 1, noiseMultiplier: 1.2, batchSize: 20, epochs: 2, delta: 1e-5, seed: 7, secureNoise: false };
		const first = await trainDpSgd(model, x, y, 'classification', 2, options, { optimizer });
		const second = await trainDpSgd(model, x, y, 'classification', 2, { ...options, epochs: 5 }, { optimizer, steps: first.steps, curve: first.curve });
		expect(second.curve.map((r) => [r.epoch, r.steps])).toEqual([[1, 10], [2, 20], [3, 30], [4, 40], [5, 50]]);
		expect(second.epsilon).toBe(epsilon(0.1, 1.2, 50, 1e-5));
		expect(optimizer.iterations).toBe(50);
		optimizer.dispose();
		model.dispose();
	});

	it('trains a regression model (squared error) privately', async () => {
		const rng = createRng(4);
		const x = Float32Array.from({ length: 300 * 3 }, () => rng() * 2 - 1);
		const y = Array.from({ length: 300 }, (_, i) => 0.8 * x[i * 3] - 0.5 * x[i * 3 + 1] + 0.1 * (rng() - 0.5));
		const model = buildModel({ kind: 'linear', inputSize: 3, outputSize: 1, hiddenLayers: [], seed: 2 });
		const result = await trainDpSgd(model, x, y, 'regression', 1, { clipNorm: 1, noiseMultiplier: 0.8, batchSize: 30, epochs: 8, delta: 1e-5, lr: 0.05, seed: 3, secureNoise: false });
		expect(result.curve.at(-1)!.trainLoss).toBeLessThan(result.curve[0].trainLoss / 3);
		const kernel = result.weights[0].values;
		expect(kernel[0]).toBeGreaterThan(0.5);
		expect(kernel[1]).toBeLessThan(-0.3);
		model.dispose();
	});

	it('stops at the last step within the privacy budget', async () => {
		const { x, y } = small();
		const model = buildModel({ kind: 'linear', inputSize: 4, outputSize: 2, hiddenLayers: [], seed: 1 });
		const result = await trainDpSgd(model, x, y, 'classification', 2, { clipNorm: 1, noiseMultiplier: 1, batchSize: 20, epochs: 50, delta: 1e-5, budgetEpsilon: 3, seed: 1, secureNoise: false });
		expect(result.stoppedByBudget).toBe(true);
		expect(result.epsilon).toBeLessThanOrEqual(3);
		expect(epsilon(0.1, 1, result.steps + 1, 1e-5)).toBeGreaterThan(3);
		expect(result.curve.at(-1)!.steps).toBe(result.steps);
		model.dispose();
	});

	it('is reproducible with a seed, and secure noise runs and cannot be replayed', async () => {
		const { x, y } = small();
		const run = async (secureNoise: boolean) => {
			const model = buildModel({ kind: 'mlp', inputSize: 4, outputSize: 2, hiddenLayers: [5], seed: 1 });
			const result = await trainDpSgd(model, x, y, 'classification', 2, { clipNorm: 1, noiseMultiplier: 1, batchSize: 20, epochs: 1, delta: 1e-5, seed: 9, secureNoise });
			model.dispose();
			return Array.from(result.weights[0].values);
		};
		expect(await run(false)).toEqual(await run(false));
		expect(await run(true)).not.toEqual(await run(true));
	});

	it('refuses bad settings and models it cannot train privately', async () => {
		const { x, y } = small();
		const model = buildModel({ kind: 'linear', inputSize: 4, outputSize: 2, hiddenLayers: [], seed: 1 });
		const base = { clipNorm: 1, noiseMultiplier: 1, batchSize: 20, epochs: 1, delta: 1e-5 };
		await expect(trainDpSgd(model, x, y, 'classification', 2, { ...base, clipNorm: 0 })).rejects.toThrow(/clipping norm/);
		await expect(trainDpSgd(model, x, y, 'classification', 2, { ...base, batchSize: 500 })).rejects.toThrow(/sampling rate/);
		await expect(trainDpSgd(model, x, y, 'classification', 2, { ...base, budgetEpsilon: 1e-4 })).rejects.toThrow(/Even one step/);
		await expect(trainDpSgd(model, x, y.map(() => 5), 'classification', 2, base)).rejects.toThrow(/Row 0 has class index 5/);
		const controller = new AbortController();
		controller.abort();
		await expect(trainDpSgd(model, x, y, 'classification', 2, { ...base, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
		model.dispose();
	});

	// Measured with this noise generator (scripts/trust/dp-tradeoff.measure.ts; seed = split, init,
	// sampling and noise): holdout accuracy 0.9823, 0.9381, 1.0 for seeds 1–3 (seeds 4–6: 0.9912,
	// 0.9646, 0.9646) at ε ≤ 8 (δ = 1e-5, σ from sigmaFor ≈ 1.09, 10 epochs, q = 64/456). Earlier noise
	// generators gave 0.9558–1.0 on the same seeds: the noise draw alone moves a seed by ~4 points, so
	// the per-seed bar sits below the worst seen (0.938) and the mean bar below the worst mean (0.973).
	// Non-private training of the same model reaches 0.99.
	it('reaches ≥ 0.92 holdout accuracy per seed and ≥ 0.95 on average on breast cancer at ε ≤ 8 (3 seeds)', async () => {
		const accuracies: number[] = [];
		for (const seed of [1, 2, 3]) {
			const d = breastCancer(seed);
			const q = 64 / d.yTrain.length;
			const sigma = sigmaFor(8, q, 10 * Math.round(1 / q), 1e-5);
			const model = buildModel({ kind: 'mlp', inputSize: d.width, outputSize: 2, hiddenLayers: [16], seed });
			const result = await trainDpSgd(model, d.xTrain, d.yTrain, 'classification', 2, { clipNorm: 1, noiseMultiplier: sigma, batchSize: 64, epochs: 10, delta: 1e-5, lr: 0.02, seed, secureNoise: false });
			expect(result.epsilon).toBeLessThanOrEqual(8);
			const predicted = argmaxRows(await forward(model, d.xHold, d.yHold.length, d.width), 2);
			accuracies.push(predicted.filter((p, i) => p === d.yHold[i]).length / d.yHold.length);
			model.dispose();
		}
		accuracies.forEach((a) => expect(a).toBeGreaterThanOrEqual(0.92));
		expect(accuracies.reduce((a, b) => a + b, 0) / accuracies.length).toBeGreaterThanOrEqual(0.95);
	});
});
