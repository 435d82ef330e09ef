import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import { metricNameFor, type BackendName, type EpochRecord, type JobEvent, type RunResult, type Table, type TrainConfig, type VariantTrainRequest } from '$workers/protocol';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { BestWeightsTracker, divergence, trivialLoss } from '$workers/lib/early-stopping';
import { buildModel, forward, serializeModel } from '$workers/lib/model';
import { ignoredMlpOptions } from '$shared/mlp-options';
import { createRng, shuffleInPlace } from '$workers/lib/random';
import { finalMetrics, lossAndMetric } from '$workers/lib/scores';
import { validateConfig } from '$workers/lib/train';
import { prepareTraining, rowCounts, type TrainingData } from '$workers/lib/train-data';
import { boxFromData } from '$workers/lib/trust/adversarial';
import { trainAdversarial } from '$workers/lib/trust/adversarial-training';
import { groupKeys } from '$workers/lib/trust/fairness';
import { reweighing } from '$workers/lib/trust/fairness-mitigation';
import { makeWeightedTrainStep } from '$workers/lib/trust/weighted-step';
import { sensitiveValues } from './run-data';

export interface VariantOptions {
	onEvent?: (event: JobEvent) => void;
	signal?: AbortSignal;
	/** A recorded Prepare pipeline, fitted on the training rows as a plain run would fit it (absent: the built-in encoding). */
	pipeline?: Pipeline;
}

type Variant = VariantTrainRequest['variant'];

/**
 * A run trained differently for fairness or robustness, on exactly the split, preprocessing and
 * model trainModel would use for the same config: reweighed (Kamiran–Calders weights in the loss)
 * or adversarially trained (PGD examples mixed into each batch). Validation curves every epoch;
 * the holdout is scored once. No checkpoints: a run cut off by a closed tab is stored as cancelled.
 */
export async function trainVariant(table: Table, rawConfig: TrainConfig, variant: Variant, options: VariantOptions = {}): Promise<RunResult> {
	const config = withConfigDefaults(rawConfig);
	// Both variants change how a network's loss sees each row; a classic family has no such loss to change.
	if (config.classic) throw new KilnError('ValidationError', `${variant.kind === 'reweighed' ? 'Reweighing' : 'Adversarial training'} retrains a network through its loss; this run is a ${config.classic.family} model. Pick a neural-network or linear-layer run.`);
	validateConfig(table, config, options.pipeline);
	const emit = options.onEvent ?? (() => {});
	const started = performance.now();
	const data = prepareTraining(table, config, undefined, options.pipeline);
	if (variant.kind === 'adversarial' && config.task !== 'classification') throw new KilnError('ValidationError', 'Adversarial training is for classifiers; this run predicts a number.');
	if (data.droppedRows > 0) emit({ type: 'log', message: `${data.droppedRows} rows have no value in "${config.target}" and were left out.` });
	// The variants keep the MLP's activation and train with Adam at a constant rate.
	const model = buildModel({ kind: config.model, inputSize: data.width, outputSize: data.classes, hiddenLayers: config.hiddenLayers, seed: config.seed, mlp: { activation: config.mlp?.activation } });
	const ignored = ignoredMlpOptions(config.mlp);
	if (ignored) emit({ type: 'log', message: `This ${variant.kind} run ignores ${ignored}: it trains with Adam at a constant rate on the plain layers.` });
	try {
		const { history, trainingMs, bestEpoch, stoppedEarly } = variant.kind === 'reweighed' ? await reweighed(model, table, config, data, variant.sensitive, emit, options.signal) : await adversarial(model, config, data, variant, emit, options.signal);
		const out = await forward(model, data.holdout.x, data.holdout.rows.length, data.width);
		const result: RunResult = {
			model: await serializeModel(model),
			...(data.prep ? { preprocessing: data.prep } : {}),
			pipeline: data.fitted,
			metrics: finalMetrics(out, data.holdout.y, data),
			history,
			backend: tf.getBackend() as BackendName,
			...rowCounts(data),
			durationMs: performance.now() - started,
			samplesPerSecond: trainingMs > 0 ? (data.train.rows.length * history.length) / (trainingMs / 1000) : 0,
			bestEpoch,
			stoppedEarly
		};
		emit({ type: 'done' });
		return result;
	} finally {
		model.dispose();
	}
}

async function validationScores(model: tfl.LayersModel, data: TrainingData) {
	const v = data.validation;
	return v.rows.length > 0 ? lossAndMetric(await forward(model, v.x, v.rows.length, data.width), v.y, data) : { loss: NaN, metric: NaN };
}

async function reweighed(model: tfl.LayersModel, table: Table, config: TrainConfig, data: TrainingData, sensitive: string[], emit: (e: JobEvent) => void, signal?: AbortSignal) {
	const { train, width, classes } = data;
	if (sensitive.length === 0) throw new KilnError('ValidationError', 'Choose at least one sensitive column to reweigh by.');
	// Weights by (group, label) cell of the training rows, so groups and labels are independent under them.
	const groups = groupKeys(sensitiveValues(table, sensitive, train.rows));
	const target = data.target;
	if (target.task !== 'classification') throw new KilnError('ValidationError', 'Reweighing balances groups against classes, so it needs a classification run.');
	const { weights, table: cells } = reweighing(train.y, groups);
	emit({ type: 'log', message: `Reweighing by ${sensitive.join(' × ')}: ${cells.map((c) => `${c.group} · ${target.classes[c.label]} × ${c.weight.toFixed(2)}`).join(', ')}.` });
	const optimizer = tf.train.adam(config.learningRate);
	const step = makeWeightedTrainStep(model, optimizer, config.task, classes, config.l2);
	const rng = createRng(config.seed);
	const order = Int32Array.from({ length: train.rows.length }, (_, i) => i);
	const batches = Math.ceil(order.length / config.batchSize);
	const xBatch = new Float32Array(config.batchSize * width);
	const history: EpochRecord[] = [];
	const tracker = new BestWeightsTracker(config.patience);
	const trivial = trivialLoss(config.task, classes);
	let trainingMs = 0;
	let stoppedEarly = false;
	try {
		for (let epoch = 1; epoch <= config.epochs; epoch++) {
			const epochStart = performance.now();
			shuffleInPlace(order, rng);
			let lossSum = 0;
			for (let b = 0; b < batches; b++) {
				if (signal?.aborted) throw new KilnError('AbortError', 'Training was cancelled.');
				const idx = order.subarray(b * config.batchSize, Math.min((b + 1) * config.batchSize, order.length));
				idx.forEach((r, i) => xBatch.set(train.x.subarray(r * width, (r + 1) * width), i * width));
				const loss = step(xBatch.subarray(0, idx.length * width), Array.from(idx, (r) => train.y[r]), Array.from(idx, (r) => weights[r]));
				const value = (await loss.data())[0];
				loss.dispose();
				const diverged = divergence(value, trivial, 'batch', epoch, config.learningRate);
				if (diverged) throw new KilnError('DivergedError', diverged);
				lossSum += value * idx.length;
			}
			emit({ type: 'progress', fraction: epoch / config.epochs, epoch, epochs: config.epochs, batch: batches, batches });
			trainingMs += performance.now() - epochStart;
			const scores = await validationScores(model, data);
			const record = { epoch, trainLoss: lossSum / order.length, valLoss: scores.loss, valMetric: scores.metric };
			history.push(record);
			emit({ type: 'metric', metricName: metricNameFor(config.task), ...record });
			if (config.patience > 0 && (await tracker.observe(model, epoch, scores.loss))) {
				stoppedEarly = epoch < config.epochs;
				emit({ type: 'log', message: `Early stopping after epoch ${epoch}; keeping the weights of epoch ${tracker.best!.epoch}.` });
				break;
			}
		}
		if (config.patience > 0) tracker.restore(model);
	} finally {
		optimizer.dispose();
	}
	return { history, trainingMs, bestEpoch: config.patience > 0 ? (tracker.best?.epoch ?? history.length) : history.length, stoppedEarly };
}

async function adversarial(model: tfl.LayersModel, config: TrainConfig, data: TrainingData, variant: Extract<Variant, { kind: 'adversarial' }>, emit: (e: JobEvent) => void, signal?: AbortSignal) {
	const history: EpochRecord[] = [];
	const started = performance.now();
	emit({ type: 'log', message: `Adversarial training: ${Math.round(variant.ratio * 100)} % of each batch replaced by PGD-${variant.steps} examples at ${variant.norm === 'linf' ? 'L∞' : 'L2'} ε = ${variant.epsilon} (${data.prep ? 'standardised units' : "the pipeline's encoded units"}).` });
	// Adversarial epochs always run to the end: early stopping would pick by clean validation loss, which is not what this trades for.
	await trainAdversarial(model, data.train.x, data.train.y, data.classes, {
		epochs: config.epochs,
		batchSize: config.batchSize,
		lr: config.learningRate,
		ratio: variant.ratio,
		l2: config.l2,
		seed: config.seed,
		signal,
		attack: { epsilon: variant.epsilon, norm: variant.norm, steps: variant.steps, box: boxFromData(data.train.x, data.width) },
		onEpoch: async ({ epoch, trainLoss }) => {
			const scores = await validationScores(model, data);
			const record = { epoch, trainLoss, valLoss: scores.loss, valMetric: scores.metric };
			history.push(record);
			emit({ type: 'progress', fraction: epoch / config.epochs, epoch, epochs: config.epochs, batch: 1, batches: 1 });
			emit({ type: 'metric', metricName: metricNameFor(config.task), ...record });
		}
	});
	return { history, trainingMs: performance.now() - started, bestEpoch: history.length, stoppedEarly: false };
}
