import * as tf from '@tensorflow/tfjs-core';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import { metricNameFor, type BackendName, type EpochRecord, type JobEvent, type RunResult, type Table, type TrainConfig } from '$workers/protocol';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { buildModel, forward, serializeModel } from '$workers/lib/model';
import { ignoredMlpOptions } from '$shared/mlp-options';
import { finalMetrics, lossAndMetric } from '$workers/lib/scores';
import { validateConfig } from '$workers/lib/train';
import { prepareTraining } from '$workers/lib/train-data';
import { trainDpSgd } from './dp-sgd';
import type { DpEpochRecord, DpSgdOptions, DpSgdResult } from './types';

/** The DP settings a person picks; epochs, learning rate, L2, expected batch size and seed come from the TrainConfig. */
export type PrivateTrainingOptions = Pick<DpSgdOptions, 'clipNorm' | 'noiseMultiplier' | 'delta' | 'budgetEpsilon' | 'secureNoise' | 'conversion' | 'optimizer'>;

export interface PrivateTrainResult extends RunResult {
	privacy: Omit<DpSgdResult, 'weights' | 'curve' | 'samplesPerSecond'> & { curve: (DpEpochRecord & { valMetric: number })[] };
}

/**
 * trainModel with DP-SGD: the same seeded split, preprocessing and model, trained privately, with
 * each epoch's ε and validation score streamed as events; the holdout is scored once at the end. Standardising statistics are fitted on the
 * training rows without noise, as in trainModel; the guarantee covers the gradient updates.
 */
export async function trainPrivateModel(table: Table, rawConfig: TrainConfig, dp: PrivateTrainingOptions, options: { onEvent?: (event: JobEvent) => void; onPrivacy?: (record: DpEpochRecord & { valMetric: number }) => void; signal?: AbortSignal; /** A recorded Prepare pipeline, fitted on the training rows (absent: the built-in encoding). */ pipeline?: Pipeline } = {}): Promise<PrivateTrainResult> {
	// DP-SGD trains every epoch it is given: early stopping would choose among epochs by looking
	// at more of the data, so patience is off here (the validation rows still draw the curves).
	const config = { ...withConfigDefaults(rawConfig), patience: 0 };
	validateConfig(table, config, options.pipeline);
	const emit = options.onEvent ?? (() => {});
	const started = performance.now();
	const data = prepareTraining(table, config, undefined, options.pipeline);
	const { prep, train, validation, holdout, classes, droppedRows, width } = data;
	if (config.batchSize > train.rows.length) throw new KilnError('PrivacyError', `The batch size (${config.batchSize}) is larger than the ${train.rows.length} training rows; lower it.`);
	// As trainDpSgd counts them: one epoch is round(1/q) Poisson-sampled steps.
	const stepsPerEpoch = Math.max(1, Math.round(train.rows.length / config.batchSize));
	// DP-SGD keeps the MLP's activation; batch-norm (it mixes examples, voiding the per-example
	// bound), dropout, and the optimiser and schedule (DP-SGD is its own noisy SGD) do not apply.
	const model = buildModel({ kind: config.model, inputSize: width, outputSize: classes, hiddenLayers: config.hiddenLayers, seed: config.seed, mlp: { activation: config.mlp?.activation } });
	const ignored = ignoredMlpOptions(config.mlp);
	if (ignored) emit({ type: 'log', message: `Private training ignores ${ignored}: DP-SGD runs its own noisy SGD on the plain layers.` });
	const history: EpochRecord[] = [];
	const curve: PrivateTrainResult['privacy']['curve'] = [];
	// A pipeline's fitted steps (imputation, scaling, encodings) see the training rows without noise, as the built-in standardising does.
	if (options.pipeline) emit({ type: 'log', message: `The pipeline's steps are fitted on the training rows without noise: the (ε, δ) guarantee covers the gradient updates, not what those steps learn (means, categories, bins).` });
	emit({ type: 'log', message: `Private training on ${train.rows.length} rows (σ = ${dp.noiseMultiplier}, C = ${dp.clipNorm}, δ = ${dp.delta}); backend ${tf.getBackend()}.` });
	try {
		const result = await trainDpSgd(model, train.x, train.y, config.task, classes, {
			...dp,
			batchSize: config.batchSize,
			epochs: config.epochs,
			lr: config.learningRate,
			l2: config.l2,
			seed: config.seed,
			signal: options.signal,
			onProgress: (fraction, step) => emit({ type: 'progress', fraction, epoch: Math.ceil(step / stepsPerEpoch), epochs: config.epochs, batch: ((step - 1) % stepsPerEpoch) + 1, batches: stepsPerEpoch }),
			onEpoch: async (record) => {
				const s = validation.rows.length > 0 ? lossAndMetric(await forward(model, validation.x, validation.rows.length, width), validation.y, data) : { loss: NaN, metric: NaN };
				const epoch = { epoch: record.epoch, trainLoss: record.trainLoss, valLoss: s.loss, valMetric: s.metric };
				history.push(epoch);
				curve.push({ ...record, valMetric: s.metric });
				emit({ type: 'metric', metricName: metricNameFor(config.task), ...epoch });
				options.onPrivacy?.(curve.at(-1)!);
			}
		});
		if (result.stoppedByBudget) emit({ type: 'log', message: `Stopped after ${result.steps} steps: the next step would have spent more than ε = ${dp.budgetEpsilon}.` });
		const out = await forward(model, holdout.x, holdout.rows.length, width);
		const { epsilon, delta, order, steps, stoppedByBudget, sampleRate, noiseMultiplier, clipNorm, secureNoise } = result;
		emit({ type: 'done' });
		return {
			model: await serializeModel(model),
			...(prep ? { preprocessing: prep } : {}),
			pipeline: data.fitted,
			metrics: finalMetrics(out, holdout.y, data),
			history,
			backend: tf.getBackend() as BackendName,
			trainRows: train.rows.length,
			validationRows: validation.rows.length,
			holdoutRows: holdout.rows.length,
			droppedRows,
			durationMs: performance.now() - started,
			samplesPerSecond: result.samplesPerSecond,
			bestEpoch: history.length,
			stoppedEarly: false,
			privacy: { epsilon, delta, order, steps, stoppedByBudget, sampleRate, noiseMultiplier, clipNorm, secureNoise, curve }
		};
	} finally {
		model.dispose();
	}
}
