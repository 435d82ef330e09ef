import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { SMOOTH_ACTIVATIONS, type DenseLayer } from '$workers/lib/dense';
import { layerWeight, type BatchStats } from './forward';

/** A hidden Dense layer's batch normalisation (buildModel: Dense linear → BatchNormalization → Activation). */
export interface BatchNormParams {
	gamma: tf.Variable;
	beta: tf.Variable;
	/** The running averages, moved after each step as the tape path moves them (forward.ts). */
	step: BatchStats['step'];
}

/** For a batch-norm layer, `relu` / `smooth` name the Activation layer that follows the normalisation. */
export type FusedLayer = DenseLayer & { bn?: BatchNormParams };

/** What the backward of one batch-norm layer reads: the normalised values and 1/√(σ² + ε). */
export interface BatchNormSaved {
	normalised: tf.Tensor2D;
	inverse: tf.Tensor1D;
}

/**
 * A Dense stack whose hidden layers are Dense (linear, with bias) → BatchNormalization (over the
 * last axis, with scale and centre) → Activation (relu, linear or, asked for, a smooth one), each
 * optionally followed by Dropout, and a plain Dense output layer; null for any other model.
 */
export function batchNormStack(model: tfl.LayersModel, smooth: boolean): { layers: FusedLayer[]; rates: number[] } | null {
	if (model.inputs.length !== 1 || model.inputs[0].shape.length !== 2) return null;
	const layers: FusedLayer[] = [];
	const rates: number[] = [];
	let state: 'dense' | 'bn' | 'activated' | 'dropout' = 'dropout';
	for (const layer of model.layers) {
		const kind = layer.getClassName();
		const config = layer.getConfig();
		if (kind === 'InputLayer') continue;
		if (kind === 'Dense') {
			if (state === 'dense' || state === 'bn' || !config.useBias || (config.activation !== 'linear' && config.activation !== 'relu')) return null;
			const [kernel, bias] = [layerWeight(layer, 'kernel'), layerWeight(layer, 'bias')];
			if (!kernel || !bias || kernel.rank !== 2) return null;
			layers.push({ kernel, bias, relu: config.activation === 'relu' });
			rates.push(0);
			state = 'dense';
		} else if (kind === 'BatchNormalization') {
			const last = layers[layers.length - 1];
			const axis = Array.isArray(config.axis) ? config.axis : [config.axis];
			if (state !== 'dense' || last.relu || axis.length !== 1 || (axis[0] !== -1 && axis[0] !== 1) || config.center === false || config.scale === false) return null;
			const [gamma, beta, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((s) => layerWeight(layer, s));
			if (!gamma || !beta || !mean || !variance) return null;
			last.bn = { gamma, beta, step: { kind: 'batchnorm', gamma, beta, mean, variance, momentum: Number(config.momentum), epsilon: Number(config.epsilon) } };
			state = 'bn';
		} else if (kind === 'Activation') {
			const last = layers[layers.length - 1];
			const soft = smooth ? SMOOTH_ACTIVATIONS.find((a) => a === config.activation) : undefined;
			if (state !== 'bn' || (config.activation !== 'relu' && config.activation !== 'linear' && !soft)) return null;
			last.relu = config.activation === 'relu';
			if (soft) last.smooth = soft;
			state = 'activated';
		} else if (kind === 'Dropout') {
			if (state !== 'activated' && state !== 'dense') return null;
			rates[rates.length - 1] = Number(config.rate);
			state = 'dropout';
		} else return null;
	}
	const output = layers[layers.length - 1];
	if (!output || output.bn || output.relu || rates[rates.length - 1] > 0 || state === 'bn') return null;
	if (!layers.slice(0, -1).some((l) => l.bn)) return null;
	const trainable = layers.reduce((n, l) => n + (l.bn ? 4 : 2), 0);
	return trainable === model.trainableWeights.length ? { layers, rates } : null;
}

/**
 * Training-mode batch normalisation as the tape path runs it (tf.moments, then tf.batchNorm with
 * the batch's own statistics), keeping what the backward and the running averages need.
 */
export function batchNormForward(z: tf.Tensor2D, bn: BatchNormParams, stats: BatchStats[]): { out: tf.Tensor2D; saved: BatchNormSaved } {
	const { mean, variance } = tf.moments(z, 0) as { mean: tf.Tensor1D; variance: tf.Tensor1D };
	stats.push({ step: bn.step, mean: tf.keep(mean), variance: tf.keep(variance), rows: z.shape[0] });
	const out = tf.batchNorm(z, mean, variance, bn.beta as tf.Tensor1D, bn.gamma as tf.Tensor1D, bn.step.epsilon) as tf.Tensor2D;
	const inverse = tf.rsqrt(tf.add(variance, bn.step.epsilon)) as tf.Tensor1D;
	return { out, saved: { normalised: tf.mul(tf.sub(z, mean), inverse) as tf.Tensor2D, inverse } };
}

/**
 * The gradient through batch normalisation with batch statistics, given dy at its output:
 * dγ = Σ dy·x̂, and dz = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ² + ε) with dx̂ = dy·γ (the mean and
 * variance depend on the batch, as under the tape). dβ = Σ dy is the caller's (its activation
 * kernel sums it).
 */
export function batchNormBackward(dy: tf.Tensor2D, saved: BatchNormSaved, gamma: tf.Variable): { dz: tf.Tensor2D; dGamma: tf.Tensor1D } {
	const { normalised, inverse } = saved;
	const dGamma = tf.sum(tf.mul(dy, normalised), 0) as tf.Tensor1D;
	const dNormalised = tf.mul(dy, gamma);
	const centred = tf.sub(dNormalised, tf.mean(dNormalised, 0));
	const dz = tf.mul(tf.sub(centred, tf.mul(normalised, tf.mean(tf.mul(dNormalised, normalised), 0))), inverse) as tf.Tensor2D;
	return { dz, dGamma };
}
