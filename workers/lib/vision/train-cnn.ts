import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { EpochRecord, JobEvent } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { captureCheckpoint, restoreCheckpoint } from '$workers/lib/checkpoint';
import { classificationMetrics } from '$workers/lib/metrics';
import { serializeModel } from '$workers/lib/model';
import { createRng } from '$workers/lib/random';
import { augmentImages, isIdentity, validateAugment } from './augment';
import { buildCnn } from './cnn';
import { evaluateSource, toFloatImages } from './evaluate';
import { epochOrder } from './source';
import { makeCnnStep } from './train-step';
import type { CnnSpec, CnnTrainOptions, CnnTrainResult, ImageSource } from './types';

/** A seed for (run seed, epoch, batch): augmentation and dropout draw from it, so a resumed run repeats them. */
export function mixSeed(seed: number, epoch: number, batch: number): number {
	let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(epoch + 1, 0xc2b2ae35) ^ Math.imul(batch + 1, 0x27d4eb2f);
	h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
	return (h ^ (h >>> 13)) >>> 0;
}

function validate(source: ImageSource, labels: ArrayLike<number>, classes: number, options: CnnTrainOptions): void {
	const bad = (message: string): never => {
		throw new KilnError('TrainingError', message);
	};
	if (labels.length !== source.count) bad(`There are ${labels.length} labels for ${source.count} images; every image needs one.`);
	for (let i = 0; i < labels.length; i++) if (!(Number.isInteger(labels[i]) && labels[i] >= 0 && labels[i] < classes)) bad(`Image ${i} has label ${labels[i]}, but the model has classes 0–${classes - 1}.`);
	if (!Number.isInteger(options.epochs) || options.epochs < 1 || options.epochs > 1000) bad('Epochs must be a whole number from 1 to 1000.');
	if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > 4096) bad('The batch size must be a whole number from 1 to 4096.');
	if (!(options.lr > 0 && options.lr <= 1)) bad('The learning rate must be above 0 and at most 1.');
	if (options.lrSchedule !== undefined && options.lrSchedule !== 'constant' && options.lrSchedule !== 'cosine') bad('The learning-rate schedule must be "constant" or "cosine".');
	if (!Number.isInteger(options.seed)) bad('The seed must be a whole number.');
	if (options.augment) validateAugment(options.augment);
}

/** Training rows: the given ones, or every row not used for validation. */
function trainingRows(count: number, options: CnnTrainOptions): Int32Array {
	if (options.train) return options.train;
	const held = new Set(options.validation ?? []);
	return Int32Array.from({ length: count }, (_, i) => i).filter((i) => !held.has(i));
}

export interface FitOptions extends CnnTrainOptions {
	/** Train only these variables (a frozen backbone's head); default all trainable weights. */
	variables?: tf.Variable[];
}

/**
 * Fit `model` (logits out, [0, 1] NHWC images in) on `source` with Adam, streaming one batch at
 * a time (the next is fetched while the current trains), seeded shuffles, augmentation and
 * dropout, a validation pass per epoch, cancellation within one batch and optional checkpoints.
 */
export async function fitCnn(model: tfl.LayersModel, source: ImageSource, labels: ArrayLike<number>, options: FitOptions): Promise<{ history: EpochRecord[]; trainRows: number; samplesPerSecond: number }> {
	const classes = model.outputs[0].shape[model.outputs[0].shape.length - 1] as number;
	validate(source, labels, classes, options);
	const emit = options.onEvent ?? (() => {});
	const train = trainingRows(source.count, options);
	if (train.length === 0) throw new KilnError('TrainingError', 'No images are left for training after the validation split.');
	const validation = options.validation ?? new Int32Array(0);
	const { batchSize, epochs, seed } = options;
	const batches = Math.ceil(train.length / batchSize);
	const optimizer = tf.train.adam(options.lr);
	const step = makeCnnStep(model, optimizer, classes, options.variables);
	const dropouts = model.layers.filter((l) => l.getClassName() === 'Dropout') as unknown as { seed?: number }[];
	const augment = options.augment && !isIdentity(options.augment) ? options.augment : null;
	const rng = createRng(seed);
	const history: EpochRecord[] = [];
	const interval = options.progressInterval ?? 100;
	const checkpointInterval = options.checkpointInterval ?? Infinity;
	const shape = source.shape;
	let lastProgress = -Infinity;
	let lastCheckpoint = performance.now();
	let trainingMs = 0;
	let firstEpoch = 1;
	const yBatch = new Int32Array(batchSize);
	let xBatch = new Float32Array(0);
	try {
		if (options.resume) {
			if (options.resume.epoch >= epochs) throw new KilnError('TrainingError', `The checkpoint is at epoch ${options.resume.epoch}, but the run only has ${epochs} epochs.`);
			await restoreCheckpoint(model, optimizer, options.resume);
			// Replaying the seeded shuffles puts the batch order exactly where the run stopped.
			for (let e = 1; e <= options.resume.epoch; e++) epochOrder(train, rng, source);
			history.push(...options.resume.history);
			trainingMs = options.resume.trainingMs;
			firstEpoch = options.resume.epoch + 1;
			emit({ type: 'log', message: `Resumed from the checkpoint after epoch ${options.resume.epoch}.` });
		}
		emit({ type: 'log', message: `Training on ${train.length} images, validating on ${validation.length}; backend ${tf.getBackend()}.` });
		for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
			const started = performance.now();
			const order = epochOrder(train, rng, source);
			const rowsOf = (b: number) => order.subarray(b * batchSize, Math.min(train.length, (b + 1) * batchSize));
			let next = source.getBatch(rowsOf(0));
			let lossSum = 0;
			for (let b = 0; b < batches; b++) {
				if (options.signal?.aborted) throw new KilnError('AbortError', 'Training was cancelled.');
				const rows = rowsOf(b);
				let bytes = await next;
				if (b + 1 < batches) next = source.getBatch(rowsOf(b + 1));
				if (options.lrSchedule === 'cosine') {
					const progress = ((epoch - 1) * batches + b) / Math.max(1, epochs * batches - 1);
					(optimizer as unknown as { learningRate: number }).learningRate = options.lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
				}
				const batchSeed = mixSeed(seed, epoch, b);
				if (augment) bytes = augmentImages(bytes, rows.length, shape, augment, batchSeed);
				if (xBatch.length < bytes.length) xBatch = new Float32Array(bytes.length);
				const x = toFloatImages(bytes, xBatch.subarray(0, bytes.length));
				for (let i = 0; i < rows.length; i++) yBatch[i] = labels[rows[i]];
				// A fixed dropout seed would draw the same mask every batch; this keeps it seeded but fresh.
				dropouts.forEach((d, k) => (d.seed = mixSeed(batchSeed, k, 7)));
				const lossTensor = step(x, yBatch.subarray(0, rows.length));
				const loss = (await lossTensor.data())[0];
				lossTensor.dispose();
				if (!Number.isFinite(loss)) throw new KilnError('TrainingError', `The loss became ${loss} in epoch ${epoch}. Lower the learning rate and train again.`);
				lossSum += loss * rows.length;
				const now = performance.now();
				if (now - lastProgress >= interval || b === batches - 1) {
					lastProgress = now;
					emit({ type: 'progress', fraction: (epoch - 1 + (b + 1) / batches) / epochs, epoch, epochs, batch: b + 1, batches });
				}
			}
			trainingMs += performance.now() - started;
			const scores = validation.length ? await evaluateSource(model, source, labels, validation) : { loss: NaN, accuracy: NaN };
			const record: EpochRecord = { epoch, trainLoss: lossSum / train.length, valLoss: scores.loss, valMetric: scores.accuracy };
			history.push(record);
			emit({ type: 'metric', metricName: 'accuracy', ...record });
			if (options.onCheckpoint && epoch < epochs && performance.now() - lastCheckpoint >= checkpointInterval) {
				await options.onCheckpoint(await captureCheckpoint(model, optimizer, epoch, history, trainingMs));
				emit({ type: 'checkpoint', epoch });
				lastCheckpoint = performance.now();
			}
		}
	} finally {
		optimizer.dispose();
	}
	return { history, trainRows: train.length, samplesPerSecond: (train.length * (epochs - firstEpoch + 1)) / Math.max(trainingMs / 1000, 1e-9) };
}

/**
 * A trained image model's figures on `options.scored` (a run's holdout), else on its validation
 * rows: accuracy, confusion matrix, per-class scores and the predictions; none without rows.
 */
export async function scoredMetrics(model: tfl.LayersModel, source: ImageSource, labels: ArrayLike<number>, classes: number, options: Pick<CnnTrainOptions, 'scored' | 'validation' | 'classNames'>): Promise<CnnTrainResult['metrics']> {
	const rows = options.scored ?? options.validation ?? new Int32Array(0);
	if (rows.length === 0) return undefined;
	const evaluation = await evaluateSource(model, source, labels, rows);
	const names = options.classNames ?? Array.from({ length: classes }, (_, i) => String(i));
	return { ...classificationMetrics(Array.from(rows, (r) => labels[r]), evaluation.predictions, names), predictions: evaluation.predictions, rows };
}

/**
 * Build the CNN of `spec` (seeded) and train it; the result carries the model as plain data and,
 * with validation rows, their accuracy, confusion matrix and predictions.
 */
export async function trainCnn(spec: CnnSpec, source: ImageSource, labels: ArrayLike<number>, options: CnnTrainOptions): Promise<CnnTrainResult> {
	const { height, width, channels } = source.shape;
	if (spec.input.height !== height || spec.input.width !== width || spec.input.channels !== channels) {
		throw new KilnError('TrainingError', `The model expects ${spec.input.height}×${spec.input.width}×${spec.input.channels} images, but the images are ${height}×${width}×${channels}.`);
	}
	const started = performance.now();
	const model = buildCnn(spec, options.seed);
	try {
		const fit = await fitCnn(model, source, labels, options);
		const validation = options.validation ?? new Int32Array(0);
		const metrics = await scoredMetrics(model, source, labels, spec.classes, options);
		const result: CnnTrainResult = {
			model: await serializeModel(model),
			spec,
			history: fit.history,
			backend: tf.getBackend(),
			trainRows: fit.trainRows,
			validationRows: validation.length,
			samplesPerSecond: fit.samplesPerSecond,
			durationMs: performance.now() - started,
			metrics
		};
		options.onEvent?.({ type: 'done' } satisfies JobEvent);
		return result;
	} finally {
		model.dispose();
	}
}
