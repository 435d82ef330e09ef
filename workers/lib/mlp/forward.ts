import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';
import { createRng } from '$workers/lib/random';

type Activation = (x: tf.Tensor2D) => tf.Tensor2D;

const ACTIVATIONS: Record<string, Activation> = {
	linear: (x) => x,
	relu: (x) => tf.relu(x),
	tanh: (x) => tf.tanh(x),
	sigmoid: (x) => tf.sigmoid(x),
	elu: (x) => tf.elu(x),
	// tfjs-layers' 'gelu' (the exact erf form): x·Φ(x).
	gelu: (x) => tf.mul(x, tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))))
};

function activationOf(name: unknown, layer: string): Activation {
	const f = typeof name === 'string' ? ACTIVATIONS[name] : undefined;
	if (!f) throw new KilnError('TrainingError', `Layer "${layer}" uses the activation "${String(name)}", which MLP training does not support (it has ${Object.keys(ACTIVATIONS).join(', ')}).`);
	return f;
}

/** The layer's weight whose name ends with `suffix` ('kernel', 'gamma', 'moving_mean' …), or null. */
export function layerWeight(layer: tfl.layers.Layer, suffix: string): tf.Variable | null {
	return (layer.weights.find((w) => w.originalName.endsWith(suffix) || w.name.endsWith(suffix))?.read() as tf.Variable | undefined) ?? null;
}

function variable(layer: tfl.layers.Layer, suffix: string): tf.Variable {
	const found = layerWeight(layer, suffix);
	if (!found) throw new KilnError('TrainingError', `Layer "${layer.name}" has no "${suffix}" weight.`);
	return found;
}

type Step =
	| { kind: 'dense'; kernel: tf.Variable; bias: tf.Variable | null; activation: Activation }
	| { kind: 'activation'; activation: Activation }
	| { kind: 'batchnorm'; gamma: tf.Variable; beta: tf.Variable; mean: tf.Variable; variance: tf.Variable; momentum: number; epsilon: number }
	| { kind: 'dropout'; rate: number };

/** A Sequential MLP's layers as the steps the training forward runs (Dense, BatchNormalization, Activation, Dropout). */
export function mlpSteps(model: tfl.LayersModel): Step[] {
	return model.layers
		.filter((l) => l.getClassName() !== 'InputLayer')
		.map((layer): Step => {
			const c = layer.getConfig();
			switch (layer.getClassName()) {
				case 'Dense':
					return { kind: 'dense', kernel: variable(layer, 'kernel'), bias: c.useBias ? variable(layer, 'bias') : null, activation: activationOf(c.activation, layer.name) };
				case 'Activation':
					return { kind: 'activation', activation: activationOf(c.activation, layer.name) };
				case 'BatchNormalization':
					return { kind: 'batchnorm', gamma: variable(layer, 'gamma'), beta: variable(layer, 'beta'), mean: variable(layer, 'moving_mean'), variance: variable(layer, 'moving_variance'), momentum: Number(c.momentum), epsilon: Number(c.epsilon) };
				case 'Dropout':
					return { kind: 'dropout', rate: Number(c.rate) };
				default:
					throw new KilnError('TrainingError', `The MLP holds a "${layer.getClassName()}" layer, which MLP training does not run.`);
			}
		});
}

/** One batch's statistics per batch-norm layer, to move the running averages after the step. */
export interface BatchStats {
	step: Extract<Step, { kind: 'batchnorm' }>;
	mean: tf.Tensor1D;
	variance: tf.Tensor1D;
	rows: number;
}

/**
 * The training-mode forward pass through tfjs's autodiff: batch-norm normalises with the batch's
 * own mean and variance, and dropout zeroes units with masks drawn from `maskSeed`, so a seed
 * and the step's position fix every mask (tfjs's Dropout layer would reuse one mask when seeded,
 * and Math.random when not). Kept batch statistics go to `stats`; the caller disposes them.
 */
export function trainingForward(steps: Step[], xs: tf.Tensor2D, maskSeed: number, stats: BatchStats[]): tf.Tensor2D {
	const rng = createRng(maskSeed);
	let h = xs;
	for (const step of steps) {
		if (step.kind === 'dense') {
			const z = tf.matMul(h, step.kernel as tf.Tensor2D) as tf.Tensor2D;
			h = step.activation(step.bias ? (tf.add(z, step.bias) as tf.Tensor2D) : z);
		} else if (step.kind === 'activation') {
			h = step.activation(h);
		} else if (step.kind === 'batchnorm') {
			const { mean, variance } = tf.moments(h, 0);
			stats.push({ step, mean: tf.keep(mean as tf.Tensor1D), variance: tf.keep(variance as tf.Tensor1D), rows: h.shape[0] });
			h = tf.batchNorm(h, mean, variance, step.beta as tf.Tensor1D, step.gamma as tf.Tensor1D, step.epsilon) as tf.Tensor2D;
		} else if (step.rate > 0) {
			const [n, units] = h.shape;
			const keep = 1 / (1 - step.rate);
			const mask = new Float32Array(n * units);
			for (let i = 0; i < mask.length; i++) mask[i] = rng() >= step.rate ? keep : 0;
			h = tf.mul(h, tf.tensor2d(mask, [n, units]));
		}
	}
	return h;
}

/** Move each batch-norm layer's running mean and (unbiased) variance towards the batch's, then free the statistics. */
export function updateRunningStats(stats: BatchStats[]): void {
	tf.tidy(() => {
		for (const { step, mean, variance, rows } of stats) {
			const unbiased = rows > 1 ? tf.mul(variance, rows / (rows - 1)) : variance;
			step.mean.assign(tf.add(tf.mul(step.mean, step.momentum), tf.mul(mean, 1 - step.momentum)));
			step.variance.assign(tf.add(tf.mul(step.variance, step.momentum), tf.mul(unbiased, 1 - step.momentum)));
		}
	});
	tf.dispose(stats.flatMap((s) => [s.mean, s.variance]));
	stats.length = 0;
}

/** A seed for one step's dropout masks from the run's seed and the step's position (the same after a resume). */
export function maskSeedFor(seed: number, epoch: number, batch: number): number {
	return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(epoch, 0xc2b2ae35) ^ Math.imul(batch + 1, 0x27d4eb2f)) >>> 0;
}
