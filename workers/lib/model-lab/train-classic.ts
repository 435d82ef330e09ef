import type { EpochRecord, JobEvent, Table, TrainConfig, TrainResult } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import { fitClassic, modelBytes, unsuitableReason } from '$workers/lib/models';
import type { ClassicModel } from '$workers/lib/models/types';
import { finalMetrics, lossAndMetric } from '$workers/lib/scores';
import { prepareTraining, type EncodedPart, type TrainingData } from '$workers/lib/train-data';
import { validateConfig } from '$workers/lib/train';
import { classicToArtifacts } from './artifacts';
import { classicRawOutputs, columnImportances } from './outputs';

export interface ClassicTrainOptions {
	onEvent?: (event: JobEvent) => void;
	signal?: AbortSignal;
	/** Minimum milliseconds between progress events. */
	progressInterval?: number;
}

/** Points on a forest's or boosting's learning curve (trees or rounds); each costs one prediction pass. */
const CURVE_POINTS = 12;

/**
 * Fit a classic family on exactly the split and preprocessing an MLP run with the same config
 * gets (train rows only; the validation rows give the curve, the holdout the final score), so
 * runs of every family compare on the same rows.
 */
export async function trainClassic(table: Table, rawConfig: TrainConfig, options: ClassicTrainOptions = {}): Promise<TrainResult> {
	const config = withConfigDefaults(rawConfig);
	const spec = config.classic;
	if (!spec) throw new KilnError('TrainingError', 'This run has no classic model family to fit.');
	validateConfig(table, config);
	const emit = options.onEvent ?? (() => {});
	const started = performance.now();
	const data = prepareTraining(table, config);
	const { prep, train, validation, holdout, width, classes } = data;
	const reason = unsuitableReason(spec.family, { rows: train.rows.length, inputSize: width, task: config.task, classes, hasMissing: false });
	if (reason) throw new KilnError('TrainingError', reason);
	if (data.droppedRows > 0) emit({ type: 'log', message: `${data.droppedRows} rows have no value in "${config.target}" and were left out.` });
	emit({ type: 'log', message: `Fitting on ${train.rows.length} rows, validating on ${validation.rows.length}, holding out ${holdout.rows.length} for the final score; ${width} inputs after encoding. Classic models run in plain JavaScript on typed arrays, whatever the compute backend.` });

	const interval = options.progressInterval ?? 100;
	let lastProgress = -Infinity;
	const fitStart = performance.now();
	// Fitting is synchronous; the signal is checked between trees / iterations inside it.
	const model = fitClassic(spec, train.x, train.rows.length, width, train.y, config.task, classes, {
		seed: config.seed,
		signal: options.signal,
		onProgress: (fraction, message) => {
			const now = performance.now();
			if (now - lastProgress < interval && fraction < 1) return;
			lastProgress = now;
			emit({ type: 'stage', fraction: 0.9 * fraction, label: message ?? `Fitting: ${Math.round(fraction * 100)} %` });
		}
	});
	const fitMs = performance.now() - fitStart;
	for (const note of model.notes) emit({ type: 'log', message: note });
	if (options.signal?.aborted) throw new KilnError('AbortError', 'Training was cancelled.');
	emit({ type: 'stage', fraction: 0.92, label: 'Scoring the validation and holdout rows' });
	const history = learningCurve(model, data);
	for (const record of history) emit({ type: 'metric', metricName: config.task === 'classification' ? 'accuracy' : 'rmse', ...record });
	const metrics = finalMetrics(classicRawOutputs(model, holdout.x, holdout.rows.length), holdout.y, prep);
	const importances = columnImportances(model, prep);
	const iterations = model.family === 'boosting' ? model.iterations : 1;
	const result: TrainResult = {
		model: classicToArtifacts(model),
		preprocessing: prep,
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
		classicInfo: { family: model.family, modelBytes: modelBytes(model), notes: model.notes }
	};
	emit({ type: 'done' });
	return result;
}

function scoreOn(model: ClassicModel, part: EncodedPart, data: TrainingData): { loss: number; metric: number } {
	return lossAndMetric(classicRawOutputs(model, part.x, part.rows.length), part.y, data);
}

/**
 * The curve a run's chart draws: for a forest the scores after 1…all trees, for boosting after
 * 1…all rounds (x = trees or rounds, in `epoch`), for other families the one fitted model. The
 * training loss is taken on the first CURVE_ROWS training rows.
 */
function learningCurve(model: ClassicModel, data: TrainingData): EpochRecord[] {
	const stages = model.family === 'forest' ? model.trees.length : model.family === 'boosting' ? model.iterations : 1;
	const points = stages <= CURVE_POINTS ? Array.from({ length: stages }, (_, i) => i + 1) : Array.from({ length: CURVE_POINTS }, (_, i) => Math.max(1, Math.round(((i + 1) * stages) / CURVE_POINTS)));
	return [...new Set(points)].map((k) => {
		const staged = truncate(model, k);
		const train = scoreOn(staged, curveRows(data.train, data.width), data);
		const validation = data.validation.rows.length > 0 ? scoreOn(staged, data.validation, data) : { loss: NaN, metric: NaN };
		return { epoch: k, trainLoss: train.loss, valLoss: validation.loss, valMetric: validation.metric };
	});
}

/** Rows of the training part the curve scores: at most CURVE_ROWS, evenly spread, so a big set's curve stays cheap. */
const CURVE_ROWS = 5000;
function curveRows(part: EncodedPart, width: number): EncodedPart {
	const n = part.rows.length;
	if (n <= CURVE_ROWS) return part;
	// Every step-th row, so a file sorted by class or time is still covered end to end.
	const step = n / CURVE_ROWS;
	const pick = Int32Array.from({ length: CURVE_ROWS }, (_, i) => Math.floor(i * step));
	const x = new Float32Array(CURVE_ROWS * width);
	pick.forEach((r, i) => x.set(part.x.subarray(r * width, (r + 1) * width), i * width));
	const y = part.y instanceof Int32Array ? Int32Array.from(pick, (r) => part.y[r]) : Float32Array.from(pick, (r) => part.y[r]);
	return { rows: Int32Array.from(pick, (r) => part.rows[r]), x, y };
}

function truncate(model: ClassicModel, stages: number): ClassicModel {
	if (model.family === 'forest' && stages < model.trees.length) return { ...model, trees: model.trees.slice(0, stages) };
	if (model.family === 'boosting' && stages < model.iterations) return { ...model, trees: model.trees.slice(0, stages * model.columns), iterations: stages };
	return model;
}
