import * as tf from '@tensorflow/tfjs-core';
import { KilnError } from '$shared/errors';
import { findColumn } from '$shared/table';
import type { BackendName, EpochRecord, JobEvent, Metrics, Table, TrainConfig, TrainResult } from '$workers/protocol';
import { classificationMetrics, regressionMetrics } from '$workers/lib/metrics';
import { argmaxRows, buildModel, forward, serializeModel, softmaxRows } from '$workers/lib/model';
import { classLabels, encodeFeatures, encodeTarget, fitPreprocessing, labelledRows } from '$workers/lib/preprocess';
import { holdoutSplit } from '$workers/lib/split';
import { validateConfig } from '$workers/lib/train';
import { trainDpSgd } from './dp-sgd';
import type { DpEpochRecord, DpSgdOptions, DpSgdResult } from './types';

/** The DP settings a person picks; epochs, learning rate, L2, expected batch size and seed come from the TrainConfig. */
export type PrivateTrainingOptions = Pick<DpSgdOptions, 'clipNorm' | 'noiseMultiplier' | 'delta' | 'budgetEpsilon' | 'secureNoise' | 'conversion' | 'optimizer'>;

export interface PrivateTrainResult extends TrainResult {
	privacy: Omit<DpSgdResult, 'weights' | 'curve' | 'samplesPerSecond'> & { curve: (DpEpochRecord & { valMetric: number })[] };
}

/**
 * trainModel with DP-SGD: the same seeded split, preprocessing and model, trained privately, with
 * each epoch's ε and holdout score streamed as events. Standardising statistics are fitted on the
 * training rows without noise, as in trainModel; the guarantee covers the gradient updates.
 */
export async function trainPrivateModel(table: Table, config: TrainConfig, dp: PrivateTrainingOptions, options: { onEvent?: (event: JobEvent) => void; onPrivacy?: (record: DpEpochRecord & { valMetric: number }) => void; signal?: AbortSignal } = {}): Promise<PrivateTrainResult> {
	validateConfig(table, config);
	const emit = options.onEvent ?? (() => {});
	const started = performance.now();
	const labelled = labelledRows(table, config.target);
	if (labelled.length < 4) throw new KilnError('TrainingError', `Only ${labelled.length} rows have a value in "${config.target}"; at least 4 are needed to train and test.`);
	let strata: Int32Array | undefined;
	if (config.task === 'classification') {
		const all = classLabels(findColumn(table, config.target), labelled);
		if (all.length < 2) throw new KilnError('TrainingError', `The target column "${config.target}" has only one class; a classifier needs at least two.`);
		strata = encodeTarget(table, { features: [], inputSize: 0, target: { name: config.target, task: 'classification', classes: all } }, labelled) as Int32Array;
	}
	const { train, holdout } = holdoutSplit(labelled, config.holdoutFraction, config.seed, strata);
	const prep = fitPreprocessing(table, config.features, config.target, config.task, train);
	const xTrain = encodeFeatures(table, prep, train).x;
	const yTrain = encodeTarget(table, prep, train);
	const xHold = encodeFeatures(table, prep, holdout).x;
	const yHold = encodeTarget(table, prep, holdout);
	const classes = prep.target.task === 'classification' ? prep.target.classes.length : 1;
	const std = prep.target.task === 'regression' ? prep.target.std : 1;
	if (config.batchSize > train.length) throw new KilnError('PrivacyError', `The batch size (${config.batchSize}) is larger than the ${train.length} training rows; lower it.`);
	// As trainDpSgd counts them: one epoch is round(1/q) Poisson-sampled steps.
	const stepsPerEpoch = Math.max(1, Math.round(train.length / config.batchSize));
	const model = buildModel({ kind: config.model, inputSize: prep.inputSize, outputSize: classes, hiddenLayers: config.hiddenLayers, seed: config.seed });
	const history: EpochRecord[] = [];
	const curve: PrivateTrainResult['privacy']['curve'] = [];
	let out: Float32Array = new Float32Array(0);
	const score = () => {
		if (config.task === 'classification') {
			const predicted = argmaxRows(out, classes);
			const loss = softmaxRows(out, classes).reduce((s, p, i) => s - Math.log(Math.max(p[yHold[i]] ?? 0, 1e-12)), 0) / holdout.length;
			return { loss, metric: predicted.filter((p, i) => p === yHold[i]).length / holdout.length };
		}
		let se = 0;
		for (let i = 0; i < holdout.length; i++) se += (out[i] - yHold[i]) ** 2;
		return { loss: se / holdout.length, metric: Math.sqrt(se / holdout.length) * std };
	};
	emit({ type: 'log', message: `Private training on ${train.length} rows (σ = ${dp.noiseMultiplier}, C = ${dp.clipNorm}, δ = ${dp.delta}); backend ${tf.getBackend()}.` });
	try {
		const result = await trainDpSgd(model, xTrain, yTrain, config.task, classes, {
			...dp,
			batchSize: config.batchSize,
			epochs: config.epochs,
			lr: config.learningRate,
			l2: config.l2,
			seed: config.seed,
			signal: options.signal,
			onProgress: (fraction, step) => emit({ type: 'progress', fraction, epoch: Math.ceil(step / stepsPerEpoch), epochs: config.epochs, batch: ((step - 1) % stepsPerEpoch) + 1, batches: stepsPerEpoch }),
			onEpoch: async (record) => {
				out = await forward(model, xHold, holdout.length, prep.inputSize);
				const s = score();
				const epoch = { epoch: record.epoch, trainLoss: record.trainLoss, valLoss: s.loss, valMetric: s.metric };
				history.push(epoch);
				curve.push({ ...record, valMetric: s.metric });
				emit({ type: 'metric', metricName: config.task === 'classification' ? 'accuracy' : 'rmse', ...epoch });
				options.onPrivacy?.(curve.at(-1)!);
			}
		});
		if (result.stoppedByBudget) emit({ type: 'log', message: `Stopped after ${result.steps} steps: the next step would have spent more than ε = ${dp.budgetEpsilon}.` });
		const unstandardise = (v: number) => v * std + (prep.target as { mean: number }).mean;
		const metrics: Metrics =
			prep.target.task === 'classification' ? classificationMetrics(yHold, argmaxRows(out, classes), prep.target.classes) : regressionMetrics(Array.from(yHold, unstandardise), Array.from(out, unstandardise));
		const { epsilon, delta, order, steps, stoppedByBudget, sampleRate, noiseMultiplier, clipNorm, secureNoise } = result;
		emit({ type: 'done' });
		return {
			model: await serializeModel(model),
			preprocessing: prep,
			metrics,
			history,
			backend: tf.getBackend() as BackendName,
			trainRows: train.length,
			holdoutRows: holdout.length,
			droppedRows: table.rowCount - labelled.length,
			durationMs: performance.now() - started,
			samplesPerSecond: result.samplesPerSecond,
			privacy: { epsilon, delta, order, steps, stoppedByBudget, sampleRate, noiseMultiplier, clipNorm, secureNoise, curve }
		};
	} finally {
		model.dispose();
	}
}
