import * as tf from '@tensorflow/tfjs-core';
import type { BestWeights, EpochRecord, JobEvent, TrainCheckpoint } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { divergence, trivialLoss } from '$workers/lib/early-stopping';
import { captureOptimizer, restoreOptimizer } from '$workers/lib/optimizer-state';
import { createRng, shuffleInPlace } from '$workers/lib/random';
import { serialiseTextModel } from './serialise';
import { makeTextTrainStep } from './train-step';
import type { TextModel } from './text-model';

export interface TextTrainConfig {
	epochs: number;
	batchSize: number;
	learningRate: number;
	/** Epochs without a lower validation loss before stopping with the best weights; 0 = off. */
	patience: number;
	/** Clip the global gradient norm (0 = off); keeps recurrent models from blowing up. */
	clipNorm: number;
	seed: number;
}

export interface TextTrainData {
	/** [n × maxLength] token ids, 0 = padding. */
	ids: Int32Array;
	maxLength: number;
	/** [n] class per text, or [n × maxLength] tag per token (−1 = none) for tagging. */
	labels: Int32Array;
	train: Int32Array;
	validation: Int32Array;
}

export interface TextTrainOptions {
	onEvent?: (event: JobEvent) => void;
	signal?: AbortSignal;
	progressInterval?: number;
	checkpointInterval?: number;
	onCheckpoint?: (checkpoint: TrainCheckpoint) => Promise<void> | void;
	resume?: TrainCheckpoint;
	/** Called after each optimiser step (compression re-applies its pruning masks here). */
	afterStep?: () => void;
}

export interface TextTrainResult {
	history: EpochRecord[];
	bestEpoch: number;
	stoppedEarly: boolean;
	trainingMs: number;
	/** Real (non-padding) training tokens per second of training time. */
	tokensPerSecond: number;
}

/** Loss and accuracy (per text, or per tagged token) of `rows`, in batches, without dropout. */
export async function evaluateText(model: TextModel, data: Pick<TextTrainData, 'ids' | 'maxLength' | 'labels'>, rows: Int32Array, batchSize = 256): Promise<{ loss: number; accuracy: number; count: number }> {
	const tagging = model.config.task === 'token';
	const t = data.maxLength;
	let lossSum = 0;
	let right = 0;
	let count = 0;
	for (let start = 0; start < rows.length; start += batchSize) {
		const idx = rows.subarray(start, Math.min(start + batchSize, rows.length));
		const { ids, labels } = batchOf(data, idx, tagging);
		const [loss, correct, n] = tf.tidy(() => {
			const x = tf.tensor2d(ids, [idx.length, t], 'int32');
			const y = tagging ? tf.tensor2d(labels, [idx.length, t], 'int32') : tf.tensor1d(labels, 'int32');
			const logits = model.forward(x, { training: false }).logits;
			const valid = tf.cast(tf.greaterEqual(y, 0), 'float32');
			const hits = tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(logits, -1), y), 'float32'), valid));
			const total = tf.sum(valid);
			return [tf.mul(model.loss(logits, y), total), hits, total];
		});
		const [l, c, m] = await Promise.all([loss.data(), correct.data(), n.data()]);
		tf.dispose([loss, correct, n]);
		lossSum += l[0];
		right += c[0];
		count += m[0];
	}
	return { loss: count > 0 ? lossSum / count : NaN, accuracy: count > 0 ? right / count : NaN, count };
}

function batchOf(data: Pick<TextTrainData, 'ids' | 'maxLength' | 'labels'>, idx: Int32Array, tagging: boolean): { ids: Int32Array; labels: Int32Array } {
	const t = data.maxLength;
	const ids = new Int32Array(idx.length * t);
	const labels = new Int32Array(tagging ? idx.length * t : idx.length);
	idx.forEach((r, i) => {
		ids.set(data.ids.subarray(r * t, (r + 1) * t), i * t);
		if (tagging) labels.set(data.labels.subarray(r * t, (r + 1) * t), i * t);
		else labels[i] = data.labels[r];
	});
	return { ids, labels };
}

export async function captureTextCheckpoint(model: TextModel, optimizer: tf.Optimizer, epoch: number, history: EpochRecord[], trainingMs: number, best?: BestWeights): Promise<TrainCheckpoint> {
	return { epoch, model: await serialiseTextModel(model), ...(await captureOptimizer(optimizer)), history: [...history], trainingMs, ...(best ? { best } : {}) };
}

async function restoreTextCheckpoint(model: TextModel, optimizer: tf.Optimizer, checkpoint: TrainCheckpoint): Promise<void> {
	const expected = model.params.specs();
	const stored = checkpoint.model.weightSpecs;
	if (stored.length !== expected.length || stored.some((s, i) => s.name !== expected[i].name || s.shape.join() !== expected[i].shape.join())) {
		throw new KilnError('TrainingError', 'The saved checkpoint does not fit this model (its layers differ). Start a new run instead.');
	}
	model.params.restore(checkpoint.model.weightData);
	await restoreOptimizer(optimizer, checkpoint);
}

/**
 * Adam on shuffled batches (seeded), a validation pass per epoch with loss and accuracy events,
 * early stopping that keeps the best weights, periodic checkpoints, cancellation within a batch.
 * Trains `model` in place; the caller owns (and disposes) it.
 */
export async function trainTextModel(model: TextModel, data: TextTrainData, config: TextTrainConfig, options: TextTrainOptions = {}): Promise<TextTrainResult> {
	if (data.train.length === 0) throw new KilnError('TrainingError', 'There are no training texts.');
	if (!(config.epochs >= 1 && config.batchSize >= 1 && config.learningRate > 0)) throw new KilnError('ValidationError', 'Epochs and batch size must be at least 1 and the learning rate above 0.');
	const emit = options.onEvent ?? (() => {});
	const tagging = model.config.task === 'token';
	const t = data.maxLength;
	if (t !== model.config.maxLength) throw new KilnError('TrainingError', `The texts were encoded to ${t} tokens but the model reads ${model.config.maxLength}.`);
	const optimizer = tf.train.adam(config.learningRate);
	const step = makeTextTrainStep(model, optimizer, config.clipNorm);
	const rng = createRng(config.seed);
	const order = Int32Array.from(data.train);
	const batches = Math.ceil(order.length / config.batchSize);
	const trivial = trivialLoss('classification', model.config.classes);
	const history: EpochRecord[] = [];
	let best: BestWeights | undefined;
	let trainingMs = 0;
	let tokensPerEpoch = 0;
	for (const r of data.train) for (let j = 0; j < t; j++) if (data.ids[r * t + j] !== 0) tokensPerEpoch++;
	let firstEpoch = 1;
	let lastProgress = -Infinity;
	let lastCheckpoint = performance.now();
	let stoppedEarly = false;
	try {
		if (options.resume) {
			const r = options.resume;
			if (r.epoch >= config.epochs) throw new KilnError('TrainingError', `The checkpoint is at epoch ${r.epoch}, but the run only has ${config.epochs} epochs.`);
			await restoreTextCheckpoint(model, optimizer, r);
			// The shuffles and dropout seeds are replayed, so the run continues exactly where it stopped.
			for (let e = 1; e <= r.epoch; e++) {
				shuffleInPlace(order, rng);
				for (let b = 0; b < batches; b++) rng();
			}
			history.push(...r.history);
			trainingMs = r.trainingMs;
			best = r.best;
			firstEpoch = r.epoch + 1;
			emit({ type: 'log', message: `Resumed from the checkpoint after epoch ${r.epoch}.` });
		}
		let epoch = firstEpoch;
		for (; epoch <= config.epochs; epoch++) {
			const started = performance.now();
			shuffleInPlace(order, rng);
			let lossSum = 0;
			for (let b = 0; b < batches; b++) {
				if (options.signal?.aborted) throw new KilnError('AbortError', 'Training was cancelled.');
				const idx = order.subarray(b * config.batchSize, Math.min((b + 1) * config.batchSize, order.length));
				const batch = batchOf(data, idx, tagging);
				const dropoutSeed = Math.floor(rng() * 2 ** 31);
				const x = tf.tensor2d(batch.ids, [idx.length, t], 'int32');
				const y = tagging ? tf.tensor2d(batch.labels, [idx.length, t], 'int32') : tf.tensor1d(batch.labels, 'int32');
				const lossTensor = step(x, y, dropoutSeed);
				tf.dispose([x, y]);
				options.afterStep?.();
				const loss = (await lossTensor.data())[0];
				lossTensor.dispose();
				const diverged = divergence(loss, trivial, 'batch', epoch, config.learningRate);
				if (diverged) throw new KilnError('DivergedError', diverged);
				lossSum += loss * idx.length;
				const now = performance.now();
				if (now - lastProgress >= (options.progressInterval ?? 100) || b === batches - 1) {
					lastProgress = now;
					emit({ type: 'progress', fraction: (epoch - 1 + (b + 1) / batches) / config.epochs, epoch, epochs: config.epochs, batch: b + 1, batches });
				}
			}
			trainingMs += performance.now() - started;
			const trainLoss = lossSum / order.length;
			const scores = data.validation.length > 0 ? await evaluateText(model, data, data.validation) : { loss: NaN, accuracy: NaN };
			const record: EpochRecord = { epoch, trainLoss, valLoss: scores.loss, valMetric: scores.accuracy };
			history.push(record);
			emit({ type: 'metric', metricName: 'accuracy', ...record });
			if (config.patience > 0 && Number.isFinite(scores.loss)) {
				if (!best || scores.loss < best.valLoss) best = { epoch, valLoss: scores.loss, weights: await model.params.snapshot() };
				else if (epoch - best.epoch >= config.patience) {
					stoppedEarly = epoch < config.epochs;
					emit({ type: 'log', message: `Early stopping after epoch ${epoch}: the validation loss has not improved for ${config.patience} epochs; keeping the weights of epoch ${best.epoch}.` });
					break;
				}
			}
			if (options.onCheckpoint && epoch < config.epochs && performance.now() - lastCheckpoint >= (options.checkpointInterval ?? Infinity)) {
				await options.onCheckpoint(await captureTextCheckpoint(model, optimizer, epoch, history, trainingMs, best));
				lastCheckpoint = performance.now();
			}
		}
		const lastEpoch = Math.min(epoch, config.epochs);
		if (best) model.params.restore(best.weights);
		emit({ type: 'done' });
		return { history, bestEpoch: best?.epoch ?? lastEpoch, stoppedEarly, trainingMs, tokensPerSecond: trainingMs > 0 ? (tokensPerEpoch * history.length) / (trainingMs / 1000) : 0 };
	} finally {
		optimizer.dispose();
	}
}
