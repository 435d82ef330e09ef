import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BackendName, EpochRecord, JobEvent, Metrics, Table, Task, TrainCheckpoint, TrainConfig, TrainResult } from '../protocol';
import { captureCheckpoint, restoreCheckpoint } from './checkpoint';
import { denseForward, denseLayers } from './dense';
import { KilnError } from '$shared/errors';
import { oneHotTensor, softmaxCrossEntropy } from './losses';
import { classificationMetrics, regressionMetrics } from './metrics';
import { argmaxRows, buildModel, forward, serializeModel, softmaxRows } from './model';
import { classLabels, encodeFeatures, encodeTarget, fitPreprocessing, labelledRows } from './preprocess';
import { createRng, shuffleInPlace } from './random';
import { holdoutSplit } from './split';
import { findColumn } from '$shared/table';

export interface TrainOptions {
	onEvent?: (event: JobEvent) => void;
	signal?: AbortSignal;
	/** Minimum milliseconds between progress events, so a fast loop does not flood the page. */
	progressInterval?: number;
	/** Emit a checkpoint at the end of an epoch when this long has passed since the last one. */
	checkpointInterval?: number;
	/** Continue a run from a checkpoint instead of starting at epoch 1. */
	resume?: TrainCheckpoint;
}

export { DEFAULT_CONFIG } from './defaults';

export function validateConfig(table: Table, config: TrainConfig): void {
	const bad = (message: string): never => {
		throw new KilnError('TrainingError', message);
	};
	findColumn(table, config.target);
	if (config.features.length === 0) bad('Choose at least one feature column to learn from.');
	if (config.features.includes(config.target)) bad(`The target "${config.target}" cannot also be a feature.`);
	config.features.forEach((f) => findColumn(table, f));
	if (!Number.isInteger(config.epochs) || config.epochs < 1 || config.epochs > 10_000) bad('Epochs must be a whole number from 1 to 10000.');
	if (!(config.learningRate > 0 && config.learningRate <= 10)) bad('The learning rate must be a number above 0 and at most 10.');
	if (!(config.l2 >= 0 && config.l2 <= 1)) bad('The L2 penalty must be between 0 and 1.');
	if (!Number.isInteger(config.batchSize) || config.batchSize < 1) bad('The batch size must be a whole number of at least 1.');
	if (!(config.holdoutFraction > 0 && config.holdoutFraction < 1)) bad('The holdout share must be between 0 and 1.');
	if (!Number.isInteger(config.seed)) bad('The seed must be a whole number.');
	if (config.model === 'mlp' && (config.hiddenLayers.length === 0 || config.hiddenLayers.some((u) => !Number.isInteger(u) || u < 1 || u > 4096))) {
		bad('Hidden layer sizes must be whole numbers from 1 to 4096, e.g. "32, 16".');
	}
}

function gather(x: Float32Array, width: number, rows: ArrayLike<number>, out: Float32Array): void {
	for (let i = 0; i < rows.length; i++) out.set(x.subarray(rows[i] * width, (rows[i] + 1) * width), i * width);
}

/** Holdout loss and metric from raw outputs, computed on the host (the holdout is small). */
function holdoutScores(out: Float32Array, y: Int32Array | Float32Array, config: TrainConfig, classes: number, std: number): { loss: number; metric: number } {
	if (config.task === 'classification') {
		const probs = softmaxRows(out, classes);
		let loss = 0;
		let correct = 0;
		probs.forEach((p, i) => {
			const label = y[i];
			loss += label >= 0 ? -Math.log(Math.max(p[label], 1e-12)) : 0;
			if (p.indexOf(Math.max(...p)) === label) correct++;
		});
		return { loss: loss / y.length, metric: correct / y.length };
	}
	let se = 0;
	for (let i = 0; i < y.length; i++) se += (out[i] - y[i]) ** 2;
	return { loss: se / y.length, metric: Math.sqrt(se / y.length) * std };
}

/**
 * One optimiser step on a batch (row-major features, class indices or standardised targets);
 * returns the batch loss as a scalar tensor the caller reads and disposes. Shared with the
 * benchmark so it measures exactly the path training takes.
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
	return (x: Float32Array, y: number[]): tf.Scalar =>
		tf.tidy(() => {
			const n = y.length;
			const xs = tf.tensor2d(x, [n, width]);
			const ys = task === 'classification' ? oneHotTensor(y, classes) : tf.tensor2d(y, [n, 1]);
			return optimizer.minimize(() => {
				const out = dense ? denseForward(dense, xs) : (model.apply(xs, { training: true }) as tf.Tensor2D);
				const dataLoss = task === 'classification' ? softmaxCrossEntropy(ys, out) : tf.losses.meanSquaredError(ys, out);
				if (l2 === 0) return dataLoss as tf.Scalar;
				const penalty = tf.addN(kernels.map((k) => tf.sum(tf.square(k))));
				return tf.add(dataLoss, tf.mul(penalty, l2)) as tf.Scalar;
			}, true, variables)!;
		});
}

/**
 * Train a linear model or MLP on `table` with a seeded split, shuffle and initialisation, so
 * the same table, config and backend give the same weights and metrics.
 */
export async function trainModel(table: Table, config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
	validateConfig(table, config);
	const emit = options.onEvent ?? (() => {});
	const started = performance.now();
	const labelled = labelledRows(table, config.target);
	const droppedRows = table.rowCount - labelled.length;
	if (droppedRows > 0) emit({ type: 'log', message: `${droppedRows} rows have no value in "${config.target}" and were left out.` });
	if (labelled.length < 4) throw new KilnError('TrainingError', `Only ${labelled.length} rows have a value in "${config.target}"; at least 4 are needed to train and test.`);

	let strata: Int32Array | undefined;
	if (config.task === 'classification') {
		const targetColumn = findColumn(table, config.target);
		const all = classLabels(targetColumn, labelled);
		if (all.length < 2) throw new KilnError('TrainingError', `The target column "${config.target}" has only one class ("${all[0]}"); a classifier needs at least two. Pick another target column.`);
		strata = encodeTarget(table, { features: [], inputSize: 0, target: { name: config.target, task: 'classification', classes: all } }, labelled) as Int32Array;
	}
	const { train, holdout } = holdoutSplit(labelled, config.holdoutFraction, config.seed, strata);
	const prep = fitPreprocessing(table, config.features, config.target, config.task, train);
	const xTrain = encodeFeatures(table, prep, train).x;
	const yTrain = encodeTarget(table, prep, train);
	const xHold = encodeFeatures(table, prep, holdout).x;
	const yHold = encodeTarget(table, prep, holdout);
	const width = prep.inputSize;
	const classes = prep.target.task === 'classification' ? prep.target.classes.length : 1;
	const targetStd = prep.target.task === 'regression' ? prep.target.std : 1;
	emit({ type: 'log', message: `Training on ${train.length} rows, testing on ${holdout.length}; ${width} inputs after encoding; backend ${tf.getBackend()}.` });

	const model = buildModel({ kind: config.model, inputSize: width, outputSize: classes, hiddenLayers: config.hiddenLayers, seed: config.seed });
	const optimizer = tf.train.adam(config.learningRate);
	const step = makeTrainStep(model, optimizer, config.task, classes, config.l2);
	const rng = createRng(config.seed);
	const order = Int32Array.from({ length: train.length }, (_, i) => i);
	const batches = Math.ceil(train.length / config.batchSize);
	const xBatch = new Float32Array(config.batchSize * width);
	const history: EpochRecord[] = [];
	const interval = options.progressInterval ?? 100;
	const checkpointInterval = options.checkpointInterval ?? Infinity;
	let lastProgress = -Infinity;
	let lastCheckpoint = performance.now();
	let trainingMs = 0;
	let firstEpoch = 1;
	// Holdout outputs after the latest epoch; the final metrics reuse them.
	let out: Float32Array = new Float32Array(0);

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
			emit({ type: 'log', message: `Resumed from the checkpoint after epoch ${resume.epoch}.` });
		}
		for (let epoch = firstEpoch; epoch <= config.epochs; epoch++) {
			const epochStart = performance.now();
			shuffleInPlace(order, rng);
			let lossSum = 0;
			for (let b = 0; b < batches; b++) {
				if (options.signal?.aborted) throw new KilnError('AbortError', 'Training was cancelled.');
				const idx = order.subarray(b * config.batchSize, Math.min((b + 1) * config.batchSize, train.length));
				const n = idx.length;
				gather(xTrain, width, idx, xBatch);
				const lossTensor = step(xBatch.subarray(0, n * width), Array.from(idx, (i) => yTrain[i]));
				const loss = (await lossTensor.data())[0];
				lossTensor.dispose();
				if (!Number.isFinite(loss)) throw new KilnError('TrainingError', `The loss became ${loss} in epoch ${epoch}. Lower the learning rate and train again.`);
				lossSum += loss * n;
				const now = performance.now();
				if (now - lastProgress >= interval || b === batches - 1) {
					lastProgress = now;
					emit({ type: 'progress', fraction: (epoch - 1 + (b + 1) / batches) / config.epochs, epoch, epochs: config.epochs, batch: b + 1, batches });
				}
			}
			trainingMs += performance.now() - epochStart;
			out = await forward(model, xHold, holdout.length, width);
			const scores = holdoutScores(out, yHold, config, classes, targetStd);
			const record = { epoch, trainLoss: lossSum / train.length, valLoss: scores.loss, valMetric: scores.metric };
			history.push(record);
			emit({ type: 'metric', metricName: config.task === 'classification' ? 'accuracy' : 'rmse', ...record });
			if (epoch < config.epochs && performance.now() - lastCheckpoint >= checkpointInterval) {
				emit({ type: 'checkpoint', checkpoint: await captureCheckpoint(model, optimizer, epoch, history, trainingMs) });
				lastCheckpoint = performance.now();
			}
		}
		const metrics: Metrics =
			prep.target.task === 'classification'
				? classificationMetrics(yHold, argmaxRows(out, classes), prep.target.classes)
				: regressionMetrics(
						Array.from(yHold, (v) => v * targetStd + (prep.target as { mean: number }).mean),
						Array.from(out, (v) => v * targetStd + (prep.target as { mean: number }).mean)
					);
		const result: TrainResult = {
			model: await serializeModel(model),
			preprocessing: prep,
			metrics,
			history,
			backend: tf.getBackend() as BackendName,
			trainRows: train.length,
			holdoutRows: holdout.length,
			droppedRows,
			durationMs: performance.now() - started,
			samplesPerSecond: (train.length * config.epochs) / (trainingMs / 1000)
		};
		emit({ type: 'done' });
		return result;
	} finally {
		model.dispose();
		optimizer.dispose();
	}
}
