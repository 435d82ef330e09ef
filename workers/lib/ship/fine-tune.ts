import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';
import { denseForward, denseLayers } from '$workers/lib/dense';
import { oneHotTensor, softmaxCrossEntropy } from '$workers/lib/losses';
import { createRng, shuffleInPlace } from '$workers/lib/random';
import type { FineTuneOptions } from './types';

/**
 * The training loop pruning fine-tunes with: Adam over seeded shuffles of the given rows, one
 * callback after every optimiser step (where magnitude pruning re-applies its masks, since
 * Adam's moments keep moving masked weights). Dropout is off and BatchNormalization uses its
 * stored statistics (inference mode), so a seed fixes the result on a given backend.
 */

export interface LoopHooks {
	/** After optimiser step `step` (0-based, counted over all epochs). */
	afterStep?: (step: number) => void;
	/** After each epoch, with the mean training loss; returns the value reported as sparsity. */
	afterEpoch?: (epoch: number, loss: number) => void;
}

export function rowShape(model: tfl.LayersModel): number[] {
	const shape = model.inputs[0].shape.slice(1);
	if (shape.some((d) => d === null)) throw new KilnError('TrainingError', 'Fine-tuning needs a model whose input has a fixed size in every dimension but the batch.');
	return shape as number[];
}

/** Does the last layer end in softmax (probabilities) rather than logits? */
function emitsProbabilities(model: tfl.LayersModel): boolean {
	const last = model.layers[model.layers.length - 1];
	const config = last.getConfig();
	return config.activation === 'softmax' || last.getClassName() === 'Softmax';
}

export function stepsPerEpoch(rows: number, batchSize: number): number {
	return Math.ceil(rows / batchSize);
}

export function validateFineTune(model: tfl.LayersModel, x: Float32Array, y: Int32Array | Float32Array, options: FineTuneOptions): number {
	if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new KilnError('TrainingError', 'Fine-tuning supports models with one input and one output.');
	const width = rowShape(model).reduce((a, b) => a * b, 1);
	const rows = x.length / width;
	if (!Number.isInteger(rows) || rows < 1) throw new KilnError('TrainingError', `The feature matrix has ${x.length} values, which is not a whole number of rows of ${width}.`);
	const outputs = model.outputs[0].shape.at(-1) ?? 1;
	const task = options.task ?? (y instanceof Int32Array ? 'classification' : 'regression');
	if (task === 'classification' ? y.length !== rows : y.length !== rows * outputs) throw new KilnError('TrainingError', `There are ${rows} rows of features but ${y.length} labels.`);
	if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new KilnError('TrainingError', 'Fine-tuning needs at least one epoch.');
	return rows;
}

export async function fineTune(model: tfl.LayersModel, x: Float32Array, y: Int32Array | Float32Array, options: FineTuneOptions, hooks: LoopHooks = {}): Promise<void> {
	const rows = validateFineTune(model, x, y, options);
	const shape = rowShape(model);
	const width = shape.reduce((a, b) => a * b, 1);
	const outputs = model.outputs[0].shape.at(-1) ?? 1;
	const task = options.task ?? (y instanceof Int32Array ? 'classification' : 'regression');
	const batchSize = options.batchSize ?? 32;
	const l2 = options.l2 ?? 0;
	const probabilities = emitsProbabilities(model);
	const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
	const kernels = variables.filter((v) => v.rank >= 2);
	// Kiln's Dense stacks take the hand-written backward (same maths, faster on wasm).
	const dense = shape.length === 1 && !probabilities ? denseLayers(model) : null;
	const optimizer = tf.train.adam(options.learningRate ?? 0.001);
	const rng = createRng(options.seed ?? 0);
	const order = Int32Array.from({ length: rows }, (_, i) => i);
	const xBatch = new Float32Array(batchSize * width);
	const yWidth = task === 'classification' ? 1 : outputs;
	let step = 0;
	try {
		for (let epoch = 1; epoch <= options.epochs; epoch++) {
			shuffleInPlace(order, rng);
			let lossSum = 0;
			for (let start = 0; start < rows; start += batchSize) {
				if (options.signal?.aborted) throw new KilnError('AbortError', 'Fine-tuning was cancelled.');
				const idx = order.subarray(start, Math.min(start + batchSize, rows));
				const n = idx.length;
				idx.forEach((r, i) => xBatch.set(x.subarray(r * width, (r + 1) * width), i * width));
				const yBatch = Array.from({ length: n * yWidth }, (_, k) => y[idx[Math.floor(k / yWidth)] * yWidth + (k % yWidth)]);
				const loss = tf.tidy(() => {
					const xs = tf.tensor(xBatch.subarray(0, n * width), [n, ...shape]);
					const ys = task === 'classification' ? oneHotTensor(yBatch, outputs) : tf.tensor2d(yBatch, [n, outputs]);
					return optimizer.minimize(
						() => {
							const out = (dense ? denseForward(dense, xs as tf.Tensor2D) : model.apply(xs, { training: false })) as tf.Tensor2D;
							let value: tf.Scalar;
							if (task === 'regression') value = tf.losses.meanSquaredError(ys, out) as tf.Scalar;
							else if (probabilities) value = tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.log(tf.add(out, 1e-7))), 1))) as tf.Scalar;
							else value = softmaxCrossEntropy(ys, out);
							return l2 === 0 || kernels.length === 0 ? value : (tf.add(value, tf.mul(tf.addN(kernels.map((k) => tf.sum(tf.square(k)))), l2)) as tf.Scalar);
						},
						true,
						variables
					)!;
				});
				const value = (await loss.data())[0];
				loss.dispose();
				if (!Number.isFinite(value)) throw new KilnError('TrainingError', `The loss became ${value} while fine-tuning (epoch ${epoch}). Lower the learning rate.`);
				lossSum += value * n;
				hooks.afterStep?.(step++);
			}
			hooks.afterEpoch?.(epoch, lossSum / rows);
		}
	} finally {
		optimizer.dispose();
	}
}
