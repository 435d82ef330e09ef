import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';
import { createRng, shuffleInPlace } from '$workers/lib/random';
import { makeTrainStep } from '$workers/lib/train';
import { attack } from './adversarial';
import type { AdversarialTrainingOptions } from './types';

/**
 * Adversarial training (Goodfellow et al. 2015 mixing; Madry et al. 2018 PGD) for Kiln's dense
 * classifiers, in place: each batch, a `ratio` share of its rows is replaced by PGD examples made
 * against the current weights, then Kiln's own training step (Adam, softmax cross-entropy) runs on
 * the mixed batch. Batches are drawn by a seeded shuffle, as trainModel does.
 */
export async function trainAdversarial(model: tfl.LayersModel, x: Float32Array, y: ArrayLike<number>, classes: number, options: AdversarialTrainingOptions): Promise<{ history: { epoch: number; trainLoss: number }[] }> {
	const width = model.inputs[0].shape[1] as number;
	const rows = y.length;
	if (x.length !== rows * width) throw new KilnError('ValidationError', `The inputs hold ${x.length} values, which is not ${rows} rows × ${width}.`);
	if (!(options.ratio >= 0 && options.ratio <= 1)) throw new KilnError('ValidationError', `The adversarial share must be between 0 and 1 (it was ${options.ratio}).`);
	if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new KilnError('ValidationError', 'Epochs must be a whole number of at least 1.');
	if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new KilnError('ValidationError', 'The batch size must be a whole number of at least 1.');
	const optimizer = tf.train.adam(options.lr);
	const step = makeTrainStep(model, optimizer, 'classification', classes, options.l2 ?? 0);
	const rng = createRng(options.seed);
	const order = Int32Array.from({ length: rows }, (_, i) => i);
	const batch = new Float32Array(options.batchSize * width);
	const history: { epoch: number; trainLoss: number }[] = [];
	let attackSeed = options.seed;
	try {
		for (let epoch = 1; epoch <= options.epochs; epoch++) {
			shuffleInPlace(order, rng);
			let lossSum = 0;
			for (let start = 0; start < rows; start += options.batchSize) {
				if (options.signal?.aborted) throw new KilnError('AbortError', 'Adversarial training was cancelled.');
				const idx = order.subarray(start, Math.min(rows, start + options.batchSize));
				const n = idx.length;
				idx.forEach((r, i) => batch.set(x.subarray(r * width, (r + 1) * width), i * width));
				const labels = Array.from(idx, (r) => y[r]);
				const k = Math.round(n * options.ratio);
				if (k > 0) {
					const adversarial = await attack(model, batch.subarray(0, k * width), labels.slice(0, k), { ...options.attack, seed: attackSeed++ });
					batch.set(adversarial, 0);
				}
				const loss = step(batch.subarray(0, n * width), labels);
				const value = (await loss.data())[0];
				loss.dispose();
				if (!Number.isFinite(value)) throw new KilnError('TrainingError', `The loss became ${value} in epoch ${epoch}. Lower the learning rate and train again.`);
				lossSum += value * n;
			}
			const record = { epoch, trainLoss: lossSum / rows };
			history.push(record);
			await options.onEpoch?.(record);
		}
		return { history };
	} finally {
		optimizer.dispose();
	}
}
