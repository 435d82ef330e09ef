import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { metricNameFor, type BackendName, type EpochRecord, type JobEvent, type Table, type Task, type TrainCheckpoint, type TrainConfig, type TrainResult } from '../protocol';
import { KilnError } from '$shared/errors';
import { findColumn } from '$shared/table';
import { configProblems, withConfigDefaults } from '$shared/train-config';
import { captureCheckpoint, restoreCheckpoint } from './checkpoint';
import { denseForward, denseLayers } from './dense';
import { BestWeightsTracker, divergence, trivialLoss } from './early-stopping';
import { oneHotTensor, softmaxCrossEntropy } from './losses';
import { buildModel, forward, serializeModel } from './model';
import { createRng, shuffleInPlace } from './random';
import { finalMetrics, lossAndMetric } from './scores';
import { resumePreprocessing } from './resume';
import { prepareTraining } from './train-data';

export interface TrainOptions {
	onEvent?: (event: JobEvent) => void;
	signal?: AbortSignal;
	/** Minimum milliseconds between progress events, so a fast loop does not flood the page. */
	progressInterval?: number;
	/** Hand a checkpoint to onCheckpoint at the end of an epoch when this long has passed since the last one. */
	checkpointInterval?: number;
	/** Stores a checkpoint (the worker writes it to IndexedDB); training waits for it. */
	onCheckpoint?: (checkpoint: TrainCheckpoint) => Promise<void> | void;
	/** Continue a run from a checkpoint instead of starting at epoch 1. */
	resume?: TrainCheckpoint;
	/** Also hand over a checkpoint after the last epoch (a search trial continues from it when promoted). */
	checkpointAtEnd?: boolean;
}

export function validateConfig(table: Table, config: TrainConfig): void {
	findColumn(table, config.target);
	if (config.features.length === 0) throw new KilnError('TrainingError', 'Choose at least one feature column to learn from.');
	if (config.features.includes(config.target)) throw new KilnError('TrainingError', `The target "${config.target}" cannot also be a feature.`);
	config.features.forEach((f) => findColumn(table, f));
	const problems = Object.entries(configProblems(config));
	if (problems.length > 0) throw new KilnError('ValidationError', problems.map(([field, message]) => `${field}: ${message}`).join(' '));
}

function gather(x: Float32Array, width: number, rows: ArrayLike<number>, out: Float32Array): void {
	for (let i = 0; i < rows.length; i++) out.set(x.subarray(rows[i] * width, (rows[i] + 1) * width), i * width);
}

/**
 * One optimiser step on a batch (row-major features, class indices or standardised targets);
 * returns the batch's DATA loss (without the L2 penalty, so it compares with validation loss)
 * as a scalar tensor the caller reads and disposes. Shared with the benchmark so it measures
 * exactly the path training takes.
 *
 * The models buildModel makes (plain Dense stacks) train through denseForward and the
 * cross-entropy in losses.ts: same values as model.apply and tf.losses, but on tfjs-wasm the
 * step took 3–4× as long through tfjs's own gradients (see bench/README.md). Any other model
 * keeps tfjs's autodiff.
 */
export function makeTrainStep(model: tfl.LayersModel, optimizer: tf.Optimizer, task: Task, classes: number, l2: number) {
	const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
	const kernels = variables.filter((v) => v.shape.length === 2);
	const width = model.inputs[0].shape[1] as number;
	const dense = denseLayers(model);
	return (x: Float32Array, y: number[]): tf.Scalar => {
		let dataLoss: tf.Scalar | null = null;
		tf.tidy(() => {
			const n = y.length;
			const xs = tf.tensor2d(x, [n, width]);
			const ys = task === 'classification' ? oneHotTensor(y, classes) : tf.tensor2d(y, [n, 1]);
			optimizer.minimize(() => {
				const out = dense ? denseForward(dense, xs) : (model.apply(xs, { training: true }) as tf.Tensor2D);
				const loss = (task === 'classification' ? softmaxCrossEntropy(ys, out) : tf.losses.meanSquaredError(ys, out)) as tf.Scalar;
				// A clone: minimize() disposes the cost it is handed, which is `loss` itself without L2.
				dataLoss = tf.keep(loss.clone());
				if (l2 === 0) return loss;
				const penalty = tf.addN(kernels.map((k) => tf.sum(tf.square(k))));
				return tf.add(loss, tf.mul(penalty, l2)) as tf.Scalar;
			}, false, variables);
		});
		return dataLoss!;
	};
}

/**
 * Train a linear model or MLP on `table` with a seeded split, shuffle and initialisation, so
 * the same table, config and backend give the same weights and metrics. Curves and early
 * stopping use the validation rows; the holdout is scored once, with the weights kept.
 */
export async function trainModel(table: Table, rawConfig: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
	const config = withConfigDefaults(rawConfig);
	validateConfig(table, config);
	const emit = options.onEvent ?? (() => {});
	const started = performance.now();
	// A resumed run keeps the encoding its weights were trained on.
	const data = prepareTraining(table, config, options.resume && (await resumePreprocessing(table, config, options.resume)));
	const { prep, train, validation, holdout, width, classes } = data;
	if (data.droppedRows > 0) emit({ type: 'log', message: `${data.droppedRows} rows have no value in "${config.target}" and were left out.` });
	emit({ type: 'log', message: `Training on ${train.rows.length} rows, validating on ${validation.rows.length}, holding out ${holdout.rows.length} for the final score; ${width} inputs after encoding.` });

	const model = buildModel({ kind: config.model, inputSize: width, outputSize: classes, hiddenLayers: config.hiddenLayers, seed: config.seed });
	const optimizer = tf.train.adam(config.learningRate);
	const step = makeTrainStep(model, optimizer, config.task, classes, config.l2);
	const rng = createRng(config.seed);
	const order = Int32Array.from({ length: train.rows.length }, (_, i) => i);
	const batches = Math.ceil(order.length / config.batchSize);
	const xBatch = new Float32Array(config.batchSize * width);
	const history: EpochRecord[] = [];
	const interval = options.progressInterval ?? 100;
	const checkpointInterval = options.checkpointInterval ?? Infinity;
	const trivial = trivialLoss(config.task, classes);
	const metricName = metricNameFor(config.task);
	let lastProgress = -Infinity;
	let lastCheckpoint = performance.now();
	let trainingMs = 0;
	let firstEpoch = 1;
	let stoppedEarly = false;
	let tracker = new BestWeightsTracker(config.patience);

	try {
		const resume = options.resume;
		if (resume) {
			if (resume.epoch >= config.epochs) throw new KilnError('TrainingError', `The checkpoint is at epoch ${resume.epoch}, but the run only has ${config.epochs} epochs.`);
			await restoreCheckpoint(model, optimizer, resume);
			// Replaying the seeded shuffles puts the batch order exactly where the run stopped.
			for (let e = 1; e <= resume.epoch; e++) shuffleInPlace(order, rng);
			history.push(...resume.history);
			trainingMs = resume.trainingMs;
			firstEpoch = resume.epoch + 1;
			tracker = new BestWeightsTracker(config.patience, resume.best);
			emit({ type: 'log', message: `Resumed from the checkpoint after epoch ${resume.epoch}.` });
		}
		let epoch = firstEpoch;
		for (; epoch <= config.epochs; epoch++) {
			const epochStart = performance.now();
			shuffleInPlace(order, rng);
			let lossSum = 0;
			for (let b = 0; b < batches; b++) {
				if (options.signal?.aborted) throw new KilnError('AbortError', 'Training was cancelled.');
				const idx = order.subarray(b * config.batchSize, Math.min((b + 1) * config.batchSize, order.length));
				const n = idx.length;
				gather(train.x, width, idx, xBatch);
				const lossTensor = step(xBatch.subarray(0, n * width), Array.from(idx, (i) => train.y[i]));
				const loss = (await lossTensor.data())[0];
				lossTensor.dispose();
				const diverged = divergence(loss, trivial, 'batch', epoch, config.learningRate);
				if (diverged) throw new KilnError('DivergedError', diverged);
				lossSum += loss * n;
				const now = performance.now();
				if (now - lastProgress >= interval || b === batches - 1) {
					lastProgress = now;
					emit({ type: 'progress', fraction: (epoch - 1 + (b + 1) / batches) / config.epochs, epoch, epochs: config.epochs, batch: b + 1, batches });
				}
			}
			trainingMs += performance.now() - epochStart;
			const trainLoss = lossSum / order.length;
			const diverged = divergence(trainLoss, trivial, 'epoch', epoch, config.learningRate);
			if (diverged) throw new KilnError('DivergedError', diverged);
			const scores = validation.rows.length > 0 ? lossAndMetric(await forward(model, validation.x, validation.rows.length, width), validation.y, prep) : { loss: NaN, metric: NaN };
			const record = { epoch, trainLoss, valLoss: scores.loss, valMetric: scores.metric };
			history.push(record);
			emit({ type: 'metric', metricName, ...record });
			const stop = config.patience > 0 && (await tracker.observe(model, epoch, scores.loss));
			if (stop) {
				stoppedEarly = epoch < config.epochs;
				emit({ type: 'log', message: `Early stopping after epoch ${epoch}: the validation loss has not improved for ${config.patience} epochs; keeping the weights of epoch ${tracker.best!.epoch}.` });
				break;
			}
			const due = epoch < config.epochs ? performance.now() - lastCheckpoint >= checkpointInterval : !!options.checkpointAtEnd;
			if (options.onCheckpoint && due) {
				const checkpoint = await captureCheckpoint(model, optimizer, epoch, history, trainingMs);
				await options.onCheckpoint({ ...checkpoint, best: tracker.best, preprocessing: prep });
				lastCheckpoint = performance.now();
			}
		}
		const lastEpoch = Math.min(epoch, config.epochs);
		if (config.patience > 0) tracker.restore(model);
		const out = await forward(model, holdout.x, holdout.rows.length, width);
		const result: TrainResult = {
			model: await serializeModel(model),
			preprocessing: prep,
			metrics: finalMetrics(out, holdout.y, prep),
			history,
			backend: tf.getBackend() as BackendName,
			trainRows: train.rows.length,
			validationRows: validation.rows.length,
			holdoutRows: holdout.rows.length,
			droppedRows: data.droppedRows,
			durationMs: performance.now() - started,
			samplesPerSecond: trainingMs > 0 ? (train.rows.length * lastEpoch) / (trainingMs / 1000) : 0,
			bestEpoch: config.patience > 0 ? (tracker.best?.epoch ?? lastEpoch) : lastEpoch,
			stoppedEarly
		};
		emit({ type: 'done' });
		return result;
	} finally {
		model.dispose();
		optimizer.dispose();
	}
}
