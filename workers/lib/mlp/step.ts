import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Task } from '$workers/protocol';
import type { ResolvedMlpOptions } from '$shared/mlp-options';
import { denseForward, denseLayers } from '$workers/lib/dense';
import { oneHotTensor, softmaxCrossEntropy } from '$workers/lib/losses';
import { maskSeedFor, mlpSteps, trainingForward, updateRunningStats, type BatchStats } from './forward';
import { learningRateAt } from './schedule';
import { makeFusedDenseStep } from './fused-step';

/** The optimiser an MLP run trains with; AdamW is Adam here, its decay applied by the step. */
export function makeOptimizer(options: ResolvedMlpOptions, learningRate: number): tf.Optimizer {
	if (options.optimizer === 'sgd') return tf.train.momentum(learningRate, options.momentum, options.nesterov);
	return tf.train.adam(learningRate);
}

/**
 * Point the optimiser's next updates at `rate`: SGD and momentum cache it as a scalar behind
 * setLearningRate; Adam reads its field on every step. (Not `instanceof`: tfjs optimisers
 * answer it by duck typing, so Adam passes as an SGDOptimizer.)
 */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
	const sgd = optimizer as unknown as { setLearningRate?: (rate: number) => void; learningRate: number };
	if (typeof sgd.setLearningRate === 'function') sgd.setLearningRate(rate);
	else sgd.learningRate = rate;
}

export interface StepPosition {
	epoch: number;
	batch: number;
	batchesPerEpoch: number;
	epochs: number;
}

export interface MlpStepSettings {
	task: Task;
	classes: number;
	l2: number;
	learningRate: number;
	seed: number;
	options: ResolvedMlpOptions;
}

/**
 * One optimiser step for an MLP with any of the options (activation, dropout, batch-norm, SGD /
 * Adam / AdamW, rate schedule, per-row weights). The rate is set from the step's position before
 * the update; AdamW first shrinks every kernel by rate × decay (decoupled from the loss, as
 * torch.optim.AdamW does, so the shrink is not rescaled by Adam's second moment as an L2
 * gradient would be). Returns the batch's data loss (weighted mean when weights are given,
 * without the L2 term) for the caller to read and dispose.
 */
export function makeMlpStep(model: tfl.LayersModel, optimizer: tf.Optimizer, settings: MlpStepSettings) {
	const { task, classes, l2, options } = settings;
	const steps = mlpSteps(model);
	// A relu Dense stack (only the optimiser or schedule changed) keeps the hand-written backward, 3–4× faster on wasm.
	const dense = denseLayers(model);
	const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
	const kernels = variables.filter((v) => v.shape.length === 2);
	const width = model.inputs[0].shape[1] as number;
	const stats: BatchStats[] = [];
	// Adam or AdamW on a relu, tanh, elu or sigmoid Dense stack (any schedule, row weights or dropout or not): Kiln's fused step.
	const fused = makeFusedDenseStep(model, optimizer, task, classes, l2, { dropout: true, smooth: true });
	return (x: Float32Array, y: ArrayLike<number>, weights: ArrayLike<number> | null, at: StepPosition): tf.Scalar => {
		const rate = learningRateAt(settings.learningRate, options, at);
		setLearningRate(optimizer, rate);
		if (options.optimizer === 'adamw' && options.weightDecay > 0) tf.tidy(() => kernels.forEach((k) => k.assign(tf.mul(k, 1 - rate * options.weightDecay))));
		if (fused) return fused(x, y, weights, maskSeedFor(settings.seed, at.epoch, at.batch));
		let reported: tf.Scalar | null = null;
		tf.tidy(() => {
			const n = y.length;
			const xs = tf.tensor2d(x, [n, width]);
			const ys = task === 'classification' ? oneHotTensor(Array.from(y), classes) : tf.tensor2d(Float32Array.from(y), [n, 1]);
			const w = weights ? tf.tensor1d(Float32Array.from(weights)) : null;
			optimizer.minimize(() => {
				const out = dense ? denseForward(dense, xs) : trainingForward(steps, xs, maskSeedFor(settings.seed, at.epoch, at.batch), stats);
				let loss: tf.Scalar;
				if (w) {
					const perRow = task === 'classification' ? tf.neg(tf.sum(tf.mul(ys, tf.sub(out, tf.logSumExp(out, 1, true))), 1)) : tf.sum(tf.square(tf.sub(out, ys)), 1);
					loss = tf.div(tf.sum(tf.mul(perRow, w)), tf.sum(w));
				} else {
					loss = (task === 'classification' ? softmaxCrossEntropy(ys, out) : tf.losses.meanSquaredError(ys, out)) as tf.Scalar;
				}
				// A clone: minimize() disposes the cost it is handed.
				reported = tf.keep(loss.clone());
				if (l2 === 0) return loss;
				return tf.add(loss, tf.mul(tf.addN(kernels.map((k) => tf.sum(tf.square(k)))), l2)) as tf.Scalar;
			}, false, variables);
		});
		updateRunningStats(stats);
		return reported!;
	};
}
