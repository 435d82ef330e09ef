import type { BaselineResult, EvaluationReport, ModelArtifacts, Preprocessing, RunEvaluation, Table, ThresholdReport, TrainConfig } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import {
	classificationBaselines,
	classificationReport,
	partialDependence,
	permutationImportance,
	regressionBaselines,
	regressionReport,
	bothThresholds,
	type ClassificationInput,
	type PartialDependence,
	type PermutationImportance,
	type Predict,
	type RegressionInput
} from '$workers/lib/evaluate';
import { modelOutputs } from '$workers/lib/model-input';
import { openRunModel, softmaxFlat, variesAlone, type RunModel, type StoredRun } from '$workers/lib/run-model';
import { errorAnalysis } from './error-analysis';

export { softmaxFlat };

/** A stored run's model: either encoding (built-in preprocessing or a fitted pipeline), a network or a classic family. */
export type StoredModel = StoredRun;

export interface EvaluateRunOptions {
	onProgress?: (fraction: number, label: string) => void;
	signal?: AbortSignal;
	/** Shuffles per column for permutation importance (default 5). */
	repeats?: number;
	/** Columns that get a partial-dependence plot, most important first (default 3). */
	dependenceColumns?: number;
}

/**
 * A stored model as the explanation code sees it: probabilities for a classifier, values in the
 * target's own units for a regressor. Rows go through the model-input seam like everywhere else.
 */
export function modelPredict(model: { artifacts: ModelArtifacts; preprocessing: Preprocessing }): Predict {
	const target = model.preprocessing.target;
	const width = model.preprocessing.inputSize;
	return async (x, n) => {
		const raw = await modelOutputs(model.artifacts, x, n, width);
		if (target.task === 'classification') return softmaxFlat(raw, target.classes.length);
		return Float32Array.from(raw, (v) => v * target.std + target.mean);
	};
}

/**
 * The whole evaluation suite of a trained run, on the same holdout rows its final score used
 * (the split is replayed from the run's seed): the report, baselines fitted on the training
 * labels, permutation importance per original column, partial dependence of the top columns,
 * slice metrics per column and the worst-predicted rows.
 */
export async function evaluateRun(table: Table, rawConfig: TrainConfig, model: StoredModel, runId: string, options: EvaluateRunOptions = {}): Promise<RunEvaluation> {
	const started = performance.now();
	const config = withConfigDefaults(rawConfig);
	const run = await openRunModel(table, config, model);
	try {
		return await evaluateOpened(run, table, config, runId, options, started);
	} finally {
		run.dispose();
	}
}

async function evaluateOpened(run: RunModel, table: Table, config: TrainConfig, runId: string, options: EvaluateRunOptions, started: number): Promise<RunEvaluation> {
	const progress = options.onProgress ?? (() => {});
	const checkCancel = () => {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'The evaluation was cancelled.');
	};
	const part = run.parts.holdout;
	const holdout = part.rows;
	if (holdout.length === 0) throw new KilnError('ValidationError', 'This run has no holdout rows to evaluate on.');
	progress(0.02, 'Scoring the holdout rows');
	const { x, y } = part;
	const width = run.width;
	const trainY = run.parts.train.y;
	const predict = run.predict;
	const out = await predict(x.slice(), holdout.length);
	const target = run.target;
	const outputs = run.outputs;

	let report: EvaluationReport;
	let baselines: BaselineResult[];
	let scored: { x: Float32Array; truth: ArrayLike<number>; rows: number };
	let classification: ClassificationInput | null = null;
	let regression: RegressionInput | null = null;
	let thresholds: ThresholdReport[] | undefined;
	if (target.task === 'classification') {
		classification = { truth: y as Int32Array, probabilities: out, classes: target.classes };
		report = classificationReport(classification);
		if (target.classes.length === 2) thresholds = bothThresholds(classification);
		baselines = classificationBaselines(trainY, classification, { seed: config.seed }).map((b) => ({ strategy: b.strategy, report: b.report }));
		scored = knownRows(x, y as Int32Array, width);
	} else {
		const toOriginal = (v: number) => v * target.std + target.mean;
		regression = { truth: Float64Array.from(y, toOriginal), predicted: out };
		report = regressionReport(regression, { seed: config.seed });
		baselines = regressionBaselines(Float64Array.from(trainY, toOriginal), { truth: regression.truth }, { seed: config.seed }).map((b) => ({ strategy: b.strategy, report: b.report, prediction: b.prediction }));
		scored = { x, truth: regression.truth, rows: holdout.length };
	}
	checkCancel();

	const groups = run.groups;
	let importance: PermutationImportance | null = null;
	if (groups.length > 1 && scored.rows >= 2) {
		progress(0.1, 'Shuffling each column (permutation importance)');
		importance = await permutationImportance({
			predict,
			x: scored.x,
			rows: scored.rows,
			width,
			truth: scored.truth,
			outputs,
			metric: target.task === 'classification' ? 'log-loss' : 'rmse',
			groups,
			repeats: options.repeats ?? 5,
			seed: config.seed,
			signal: options.signal,
			onProgress: (done, total) => progress(0.1 + (0.6 * done) / total, 'Shuffling each column (permutation importance)')
		});
	}

	// A multi-input number (a TF-IDF block) has no single value to vary.
	const ranked = (importance ? importance.columns.map((c) => c.name) : groups.map((g) => g.name)).filter((name) => variesAlone(groups.find((g) => g.name === name)!));
	const dependence: PartialDependence[] = [];
	const top = ranked.slice(0, options.dependenceColumns ?? 3);
	for (const [i, name] of top.entries()) {
		checkCancel();
		progress(0.7 + (0.15 * i) / top.length, `Partial dependence of “${name}”`);
		const feature = groups.find((g) => g.name === name)!;
		dependence.push(await partialDependence({ predict, x: scored.x, rows: scored.rows, width, feature, outputs, gridSize: 20, iceRows: 12, seed: config.seed, signal: options.signal }));
	}

	checkCancel();
	progress(0.88, 'Slices and the worst-predicted rows');
	const analysis = errorAnalysis(table, run.columns, holdout, classification, regression);
	progress(1, 'Done');
	return {
		version: 1,
		runId,
		computedAt: Date.now(),
		durationMs: performance.now() - started,
		rows: holdout.length,
		report,
		baselines,
		...(thresholds ? { thresholds } : {}),
		importance,
		dependence,
		target: target.name,
		...analysis
	};
}


/** Rows whose class the model has an output for: the ones a metric can score. */
function knownRows(x: Float32Array, y: Int32Array, width: number): { x: Float32Array; truth: Int32Array; rows: number } {
	const keep: number[] = [];
	y.forEach((t, i) => t >= 0 && keep.push(i));
	if (keep.length === y.length) return { x, truth: y, rows: y.length };
	const xs = new Float32Array(keep.length * width);
	keep.forEach((r, i) => xs.set(x.subarray(r * width, (r + 1) * width), i * width));
	return { x: xs, truth: Int32Array.from(keep, (r) => y[r]), rows: keep.length };
}
