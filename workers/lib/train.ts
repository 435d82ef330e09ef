import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, CrossValidation, FoldResult, JobEvent, Metrics, Preprocessing, RunResult, Table, TrainCheckpoint, TrainConfig, TrainResult } from '../protocol';
import { KilnError } from '$shared/errors';
import { findColumn } from '$shared/table';
import { configProblems, withConfigDefaults } from '$shared/train-config';
import type { FittedPipeline, Pipeline } from './data/pipeline';
import { leakageCheck } from './data/split';
import { forward, serializeModel } from './model';
import { finalMetrics } from './scores';
import { foldFigures } from './fold-figures';
import { aggregateFolds } from './evaluate/folds';
import { resumeEncoding } from './resume';
import { prepareParts, prepareTraining, type TrainingData } from './train-data';
import { trainLoop } from './train-loop';

export { makeTrainStep } from './train-loop';
// Scripts written before the settings moved to $shared import them from here.
export { DEFAULT_CONFIG } from '$shared/train-config';

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
	/** A recorded pipeline to fit on the training rows (absent: the built-in encoding). */
	pipeline?: Pipeline;
	/** Also hand over a checkpoint after the last epoch (a search trial continues from it when promoted). */
	checkpointAtEnd?: boolean;
}

export function validateConfig(table: Table, config: TrainConfig, pipeline?: Pipeline): void {
	findColumn(table, config.target);
	if (config.features.length === 0) throw new KilnError('TrainingError', 'Choose at least one feature column to learn from.');
	if (config.features.includes(config.target)) throw new KilnError('TrainingError', `The target "${config.target}" cannot also be a feature.`);
	// A pipeline's inputs may be columns its own steps make; fitting names any that are missing.
	if (!pipeline) config.features.forEach((f) => findColumn(table, f));
	const split = config.split;
	if (split && (split.kind === 'group-kfold' || split.kind === 'time')) findColumn(table, split.column);
	const problems = Object.entries(configProblems(config));
	if (problems.length > 0) throw new KilnError('ValidationError', problems.map(([field, message]) => `${field}: ${message}`).join(' '));
}

/** The headline metrics of a score, for averaging over folds. */
function headline(metrics: Metrics): [string, number][] {
	return metrics.task === 'classification' ? [['accuracy', metrics.accuracy], ['macro-F1', metrics.macroF1]] : [['RMSE', metrics.rmse], ['MAE', metrics.mae], ['R²', metrics.r2]];
}

/** Mean and sample standard deviation of each headline metric over the folds. */
export function summariseFolds(folds: FoldResult[]): CrossValidation {
	const names = folds.length > 0 ? headline(folds[0].metrics).map(([name]) => name) : [];
	const summary = names.map((name, i) => {
		const values = folds.map((f) => headline(f.metrics)[i][1]);
		const mean = values.reduce((a, b) => a + b, 0) / values.length;
		const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
		return { name, mean, std };
	});
	const figures = folds.length > 0 && folds.every((f) => f.figures) ? aggregateFolds(folds.map((f) => f.figures!), 1) : undefined;
	return { folds, summary, ...(figures ? { figures } : {}) };
}

type BuiltIn = TrainResult & { pipeline: FittedPipeline };
type BuiltInOptions = Omit<TrainOptions, 'pipeline' | 'resume'> & { resume?: Omit<TrainCheckpoint, 'pipeline'> };

type FitOptions = TrainOptions & {
	/** Encode the table (a search's worker keeps the encoded parts of its last trials: trial-data.ts); absent: prepareTraining. */
	prepare?: PrepareData;
};

/** How a run's table becomes its encoded parts (prepareTraining's signature, without a pipeline). */
export type PrepareData = (table: Table, config: TrainConfig, resume: Preprocessing | FittedPipeline | undefined) => TrainingData;

/**
 * Everything a run trains before its final score: the encoding, one model per fold of a k-fold
 * split (scored on its fold), then the final model's epoch loop. The caller owns `run.model`.
 */
async function fit(table: Table, rawConfig: TrainConfig, options: FitOptions) {
	const config = withConfigDefaults(rawConfig);
	validateConfig(table, config, options.pipeline);
	const emit = options.onEvent ?? (() => {});
	const started = performance.now();
	const resume = options.resume;
	// A resumed run keeps the encoding its weights were trained on.
	const encoding = resume && (await resumeEncoding(table, config, resume));
	const data = options.prepare && !options.pipeline ? options.prepare(table, config, encoding) : prepareTraining(table, config, encoding, options.pipeline);
	const { train, validation, holdout, width } = data;
	if (data.droppedRows > 0) emit({ type: 'log', message: `${data.droppedRows} rows have no value in "${config.target}" and were left out.` });
	for (const note of data.notes) emit({ type: 'log', message: note });
	if (data.balance) {
		const { before, after, classes } = data.balance;
		emit({ type: 'log', message: `Training rows per class before balancing: ${classes.map((c, i) => `${c} ${before[i]}`).join(', ')}; after: ${classes.map((c, i) => `${c} ${after[i]}`).join(', ')}.` });
	}

	const phases = (resume ? 0 : data.folds.length) + 1;
	const progressInterval = options.progressInterval ?? 100;
	const folds: FoldResult[] = resume?.folds ? [...resume.folds] : [];
	if (!resume) {
		for (const [f, rows] of data.folds.entries()) {
			emit({ type: 'log', message: `Fold ${f + 1} of ${data.folds.length}: training on ${rows.train.length} rows, scoring on ${rows.validation.length}.` });
			const part = prepareParts(table, config, { ...rows, holdout: new Int32Array(0) }, undefined, options.pipeline);
			const foldConfig = { ...config, patience: part.validation.rows.length > 0 ? config.patience : 0 };
			const run = await trainLoop(part, foldConfig, { emit, signal: options.signal, progressInterval, fraction: (own) => (f + own) / phases, curves: false, checkpointInterval: Infinity });
			try {
				const out = await forward(run.model, part.validation.x, part.validation.rows.length, part.width);
				const metrics = finalMetrics(out, part.validation.y, part);
				folds.push({ fold: f + 1, trainRows: part.train.rows.length, validationRows: part.validation.rows.length, metrics, bestEpoch: run.bestEpoch, ...foldFigures(out, part.validation.y, part, config.seed) });
				emit({ type: 'log', message: `Fold ${f + 1}: ${headline(metrics).map(([n, v]) => `${n} ${v.toFixed(3)}`).join(', ')} (best epoch ${run.bestEpoch}).` });
			} finally {
				run.model.dispose();
			}
		}
	}
	const crossValidation = folds.length > 0 ? summariseFolds(folds) : undefined;
	if (crossValidation) emit({ type: 'log', message: `Cross-validation over ${folds.length} folds: ${crossValidation.summary.map((s) => `${s.name} ${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}`).join(', ')}. Now the final model on all non-holdout rows.` });

	emit({ type: 'log', message: `Training on ${train.rows.length} rows, validating on ${validation.rows.length}, holding out ${holdout.rows.length} for the final score; ${width} inputs after encoding.` });
	const done = phases - 1;
	const run = await trainLoop(data, config, {
		emit,
		signal: options.signal,
		progressInterval,
		fraction: (own) => (done + own) / phases,
		curves: true,
		checkpointInterval: options.checkpointInterval ?? Infinity,
		checkpointAtEnd: options.checkpointAtEnd,
		resume,
		onCheckpoint: options.onCheckpoint && ((c) => options.onCheckpoint!({ ...c, ...(data.prep ? { preprocessing: data.prep } : { pipeline: data.fitted }), ...(folds.length > 0 ? { folds } : {}) }))
	});
	return { config, data, run, folds, crossValidation, started, emit };
}

/**
 * Train a linear model or MLP on `table` with a seeded split, shuffle and initialisation, so
 * the same table, config and backend give the same weights and metrics. A k-fold split first
 * trains one model per fold (each scored on its own fold, the encoding fitted on the other
 * folds' rows) and reports their mean ± std; then the final model trains on the non-holdout rows
 * as a holdout run does. Curves and early stopping use the validation rows; the holdout is scored
 * once, with the weights kept.
 */
export function trainModel(table: Table, rawConfig: TrainConfig, options?: BuiltInOptions): Promise<BuiltIn>;
export function trainModel(table: Table, rawConfig: TrainConfig, options?: TrainOptions): Promise<RunResult>;
export async function trainModel(table: Table, rawConfig: TrainConfig, options: TrainOptions = {}): Promise<RunResult> {
	const { data, run, crossValidation, started, emit } = await fit(table, rawConfig, options);
	const { train, validation, holdout, width } = data;
	try {
		const out = await forward(run.model, holdout.x, holdout.rows.length, width);
		const inputs = data.fitted.inputs.map((c) => c.name).filter((name) => table.columns.some((c) => c.name === name));
		const leak = inputs.length > 0 ? leakageCheck(table, inputs, Int32Array.from([...train.rows, ...validation.rows].filter((r) => r >= 0)), holdout.rows, 5) : null;
		const result: RunResult = {
			model: await serializeModel(run.model),
			...(data.prep ? { preprocessing: data.prep } : {}),
			pipeline: data.fitted,
			metrics: finalMetrics(out, holdout.y, data),
			history: run.history,
			backend: tf.getBackend() as BackendName,
			trainRows: train.rows.length,
			validationRows: validation.rows.length,
			holdoutRows: holdout.rows.length,
			droppedRows: data.droppedRows,
			durationMs: performance.now() - started,
			samplesPerSecond: run.trainingMs > 0 ? (train.rows.length * run.lastEpoch) / (run.trainingMs / 1000) : 0,
			bestEpoch: run.bestEpoch,
			stoppedEarly: run.stoppedEarly,
			...(crossValidation ? { crossValidation } : {}),
			...(leak ? { leakage: { holdoutRows: leak.holdoutRows, trainRows: leak.trainRows, examples: leak.examples } } : {}),
			...(data.balance ? { balance: data.balance } : {}),
			...(data.notes.length > 0 ? { notes: data.notes } : {})
		};
		emit({ type: 'done' });
		return result;
	} finally {
		run.model.dispose();
	}
}

/**
 * Train as trainModel does and keep only what a search trial is scored by: the curve, the folds'
 * figures and the backend. A trial's final model is never kept, so its holdout score, leakage
 * check and serialised weights (tens of ms per job, megabytes for a wide MLP) are not made; the
 * curve and folds are trainModel's own, bit for bit.
 */
export async function trainForScore(table: Table, rawConfig: TrainConfig, options: Omit<FitOptions, 'pipeline'> = {}): Promise<Pick<RunResult, 'history' | 'crossValidation' | 'backend'>> {
	const { run, crossValidation, emit } = await fit(table, rawConfig, options);
	run.model.dispose();
	emit({ type: 'done' });
	return { history: run.history, backend: tf.getBackend() as BackendName, ...(crossValidation ? { crossValidation } : {}) };
}
