import type { FoldResult, JobEvent, RunResult, Table, TrainConfig, TrainResult } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { leakageCheck } from '$workers/lib/data/split';
import { fitClassic, modelBytes, unsuitableReason } from '$workers/lib/models';
import type { ClassicModel, ClassicSpec } from '$workers/lib/models/types';
import { finalMetrics } from '$workers/lib/scores';
import { foldFigures } from '$workers/lib/fold-figures';
import { prepareParts, prepareTraining, type TrainingData } from '$workers/lib/train-data';
import { summariseFolds, validateConfig } from '$workers/lib/train';
import { classicToArtifacts } from './artifacts';
import { classicBalanceConfig } from './config';
import { joinForestShares, type ForestShare } from './forest-share';
import { learningCurve } from './classic-curve';
import { classicRawOutputs, columnImportances } from './outputs';

export interface ClassicTrainOptions {
	onEvent?: (event: JobEvent) => void;
	signal?: AbortSignal;
	/** Minimum milliseconds between progress events. */
	progressInterval?: number;
	/** A recorded pipeline to fit on the training rows (absent: the built-in encoding). */
	pipeline?: Pipeline;
	/** A forest's trees already fitted in shares by pool workers (fitForestShare): joined, not fitted again. */
	forestShares?: ForestShare[];
}


type Fit = Pick<TrainingData, 'train' | 'width' | 'classes' | 'target'>;

function fitOn(spec: ClassicSpec, part: Fit, config: TrainConfig, signal: AbortSignal | undefined, onProgress?: (fraction: number, message?: string) => void, shares?: { shares: ForestShare[]; fit: number }): ClassicModel {
	const { train, width, classes } = part;
	const reason = unsuitableReason(spec.family, { rows: train.rows.length, inputSize: width, task: config.task, classes, hasMissing: false });
	if (reason) throw new KilnError('TrainingError', reason);
	if (shares && spec.family === 'forest') return joinForestShares(shares.shares, shares.fit, spec.params.nTrees, train.rows.length, train.y);
	// Fitting is synchronous; the signal is checked between trees / iterations inside it.
	const model = fitClassic(spec, train.x, train.rows.length, width, train.y, config.task, classes, { seed: config.seed, signal, onProgress, ...(train.weights ? { sampleWeight: train.weights } : {}) });
	if (signal?.aborted) throw new KilnError('AbortError', 'Training was cancelled.');
	return model;
}

const headline = (metrics: FoldResult['metrics']) => (metrics.task === 'classification' ? `accuracy ${metrics.accuracy.toFixed(3)}, macro-F1 ${metrics.macroF1.toFixed(3)}` : `RMSE ${metrics.rmse.toFixed(3)}, R² ${metrics.r2.toFixed(3)}`);

/**
 * Fit a classic family on exactly the split, pipeline and balancing an MLP run with the same
 * config gets: the encoding is fitted on the training rows only, the validation rows give the
 * curve, the holdout the final score, so runs of every family compare on the same rows. A k-fold
 * split first fits one model per fold (its encoding fitted on the other folds) and reports their
 * mean ± std, then the final model as a holdout run does.
 */
export async function trainClassic(table: Table, rawConfig: TrainConfig, options?: Omit<ClassicTrainOptions, 'pipeline'>): Promise<TrainResult>;
export async function trainClassic(table: Table, rawConfig: TrainConfig, options?: ClassicTrainOptions): Promise<RunResult>;
export async function trainClassic(table: Table, rawConfig: TrainConfig, options: ClassicTrainOptions = {}): Promise<RunResult> {
	const asked = withConfigDefaults(rawConfig);
	const spec = asked.classic;
	if (!spec) throw new KilnError('TrainingError', 'This run has no classic model family to fit.');
	validateConfig(table, asked, options.pipeline);
	if (asked.balance && asked.balance !== 'none' && asked.task !== 'classification') throw new KilnError('ValidationError', 'Class balancing applies to classification; choose "none" for a regression target.');
	const { config, note: balanceNote } = classicBalanceConfig(asked, spec.family);
	const emit = options.onEvent ?? (() => {});
	const started = performance.now();
	const data = prepareTraining(table, config, undefined, options.pipeline);
	const { train, validation, holdout, width } = data;
	if (data.droppedRows > 0) emit({ type: 'log', message: `${data.droppedRows} rows have no value in "${config.target}" and were left out.` });
	if (balanceNote) emit({ type: 'log', message: balanceNote });
	for (const note of data.notes) emit({ type: 'log', message: note });
	if (data.balance) {
		const { before, after, classes } = data.balance;
		emit({ type: 'log', message: `Training rows per class before balancing: ${classes.map((c, i) => `${c} ${before[i]}`).join(', ')}; after: ${classes.map((c, i) => `${c} ${after[i]}`).join(', ')}.` });
	}
	const phases = data.folds.length + 1;
	const interval = options.progressInterval ?? 100;
	let lastProgress = -Infinity;
	const progress = (phase: number) => (fraction: number, message?: string) => {
		const now = performance.now();
		if (now - lastProgress < interval && fraction < 1) return;
		lastProgress = now;
		emit({ type: 'stage', fraction: (0.9 * (phase + fraction)) / phases, label: `${phases > 1 ? (phase < phases - 1 ? `Fold ${phase + 1} of ${phases - 1}: ` : 'Final model: ') : ''}${message ?? `fitting ${Math.round(fraction * 100)} %`}` });
	};

	const shared = (fit: number) => (options.forestShares ? { shares: options.forestShares, fit } : undefined);
	if (options.forestShares) emit({ type: 'log', message: `The forest's ${spec.family === 'forest' ? spec.params.nTrees : 0} trees were fitted in ${options.forestShares.length} worker${options.forestShares.length === 1 ? '' : 's'} side by side (trees ${options.forestShares.map((s) => `${s.from + 1}–${s.to}`).join(', ')}), each tree from its own seed, so the forest is the one a single worker fits.` });
	const folds: FoldResult[] = [];
	for (const [f, rows] of data.folds.entries()) {
		const part = prepareParts(table, config, { ...rows, holdout: new Int32Array(0) }, undefined, options.pipeline);
		const model = fitOn(spec, part, config, options.signal, progress(f), shared(f));
		const raw = classicRawOutputs(model, part.validation.x, part.validation.rows.length);
		const metrics = finalMetrics(raw, part.validation.y, part);
		folds.push({ fold: f + 1, trainRows: part.train.rows.length, validationRows: part.validation.rows.length, metrics, bestEpoch: 1, ...foldFigures(raw, part.validation.y, part, config.seed) });
		emit({ type: 'log', message: `Fold ${f + 1} of ${data.folds.length}: fitted on ${part.train.rows.length} rows, ${headline(metrics)} on its ${part.validation.rows.length}.` });
	}
	const crossValidation = folds.length > 0 ? summariseFolds(folds) : undefined;
	if (crossValidation) emit({ type: 'log', message: `Cross-validation over ${folds.length} folds: ${crossValidation.summary.map((s) => `${s.name} ${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}`).join(', ')}. Now the final model on all non-holdout rows.` });

	emit({ type: 'log', message: `Fitting on ${train.rows.length} rows, validating on ${validation.rows.length}, holding out ${holdout.rows.length} for the final score; ${width} inputs after ${options.pipeline ? 'the pipeline' : 'encoding'}. Classic models run in plain JavaScript on typed arrays, whatever the compute backend.` });
	const fitStart = performance.now();
	const model = fitOn(spec, data, config, options.signal, progress(phases - 1), shared(phases - 1));
	const fitMs = performance.now() - fitStart;
	for (const note of model.notes) emit({ type: 'log', message: note });
	emit({ type: 'stage', fraction: 0.92, label: 'Scoring the validation and holdout rows' });
	const history = learningCurve(model, data);
	for (const record of history) emit({ type: 'metric', metricName: config.task === 'classification' ? 'accuracy' : 'rmse', ...record });
	const metrics = finalMetrics(classicRawOutputs(model, holdout.x, holdout.rows.length), holdout.y, data);
	const importances = columnImportances(model, data.prep ?? data.fitted);
	const iterations = model.family === 'boosting' ? model.iterations : 1;
	const inputs = data.fitted.inputs.map((c) => c.name).filter((name) => table.columns.some((c) => c.name === name));
	const leak = inputs.length > 0 ? leakageCheck(table, inputs, Int32Array.from([...train.rows, ...validation.rows].filter((r) => r >= 0)), holdout.rows, 5) : null;
	const result: RunResult = {
		model: classicToArtifacts(model),
		...(data.prep ? { preprocessing: data.prep } : {}),
		...(options.pipeline ? { pipeline: data.fitted } : {}),
		metrics,
		history,
		backend: 'cpu',
		trainRows: train.rows.length,
		validationRows: validation.rows.length,
		holdoutRows: holdout.rows.length,
		droppedRows: data.droppedRows,
		durationMs: performance.now() - started,
		samplesPerSecond: fitMs > 0 ? (train.rows.length * iterations) / (fitMs / 1000) : 0,
		bestEpoch: history.at(-1)?.epoch ?? 1,
		stoppedEarly: model.family === 'boosting' && spec.family === 'boosting' && model.iterations < spec.params.maxIter,
		...(importances ? { importances } : {}),
		classicInfo: { family: model.family, modelBytes: modelBytes(model), notes: model.notes },
		...(crossValidation ? { crossValidation } : {}),
		...(leak ? { leakage: { holdoutRows: leak.holdoutRows, trainRows: leak.trainRows, examples: leak.examples } } : {}),
		...(data.balance ? { balance: data.balance } : {}),
		...(data.notes.length > 0 || balanceNote ? { notes: [...(balanceNote ? [balanceNote] : []), ...data.notes] } : {})
	};
	emit({ type: 'done' });
	return result;
}
