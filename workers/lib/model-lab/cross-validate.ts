import type { CandidateResult, Table, TrainConfig } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { findColumn } from '$shared/table';
import { withConfigDefaults } from '$shared/train-config';
import { foldRows, kFold, stratifiedKFold } from '$workers/lib/data/split';
import { fitClassic, modelBytes, predictClassic, unsuitableReason } from '$workers/lib/models';
import { classLabels, encodeFeatures, encodeTarget, fitPreprocessing } from '$workers/lib/preprocess';
import { prepareParts, splitFor } from '$workers/lib/train-data';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { validateConfig } from '$workers/lib/train';

export interface CrossValidateOptions {
	signal?: AbortSignal;
	onProgress?: (fraction: number, label: string) => void;
	/** A recorded Prepare pipeline, fitted on each fold's training rows (absent: the built-in encoding). */
	pipeline?: Pipeline;
}

/** One fold's rows encoded with an encoding fitted on its training rows only. */
export interface EncodedFold {
	x: Float32Array;
	y: Int32Array | Float32Array;
	rows: number;
	xTest: Float32Array;
	yTest: Int32Array | Float32Array;
	testRows: number;
	width: number;
	classes: number;
}

/**
 * The folds a candidate is scored on: the rows a run with this config trains and validates on
 * (its holdout stays out), stratified by class for classification.
 */
export function candidateFolds(table: Table, config: TrainConfig, k: number): { rows: Int32Array; folds: ReturnType<typeof kFold> } {
	const { split } = splitFor(table, config);
	const rows = Int32Array.from([...split.train, ...split.validation]).sort();
	if (config.task !== 'classification') return { rows, folds: kFold(rows, k, config.seed) };
	const classes = classLabels(findColumn(table, config.target), rows);
	const labels = encodeTarget(table, { features: [], inputSize: 0, target: { name: config.target, task: 'classification', classes } }, rows);
	return { rows, folds: stratifiedKFold(rows, labels, k, config.seed, classes) };
}

/** Encode fold f: through the pipeline when there is one, else Kiln's built-in encoding. */
export function encodeFold(table: Table, config: TrainConfig, train: Int32Array, test: Int32Array, pipeline?: Pipeline): EncodedFold {
	if (pipeline) {
		const part = prepareParts(table, config, { train, validation: test, holdout: new Int32Array(0) }, undefined, pipeline);
		return { x: part.train.x, y: part.train.y, rows: part.train.rows.length, xTest: part.validation.x, yTest: part.validation.y, testRows: part.validation.rows.length, width: part.width, classes: part.classes };
	}
	const prep = fitPreprocessing(table, config.features, config.target, config.task, train);
	const classes = prep.target.task === 'classification' ? prep.target.classes.length : 1;
	return { x: encodeFeatures(table, prep, train).x, y: encodeTarget(table, prep, train), rows: train.length, xTest: encodeFeatures(table, prep, test).x, yTest: encodeTarget(table, prep, test), testRows: test.length, width: prep.inputSize, classes };
}

/**
 * k-fold cross-validation of one classic config on the rows a run with this config trains and
 * validates on: its holdout stays out, so the run kept afterwards is scored on rows the choice
 * never saw. Each fold fits its own preprocessing on its training rows. Scores are accuracy
 * (classification) or R² (regression), both higher-is-better.
 */
export function crossValidate(table: Table, rawConfig: TrainConfig, k: number, options: CrossValidateOptions = {}): CandidateResult {
	const config = withConfigDefaults(rawConfig);
	const spec = config.classic;
	if (!spec) throw new KilnError('TrainingError', 'Find a model cross-validates classic families only.');
	validateConfig(table, config, options.pipeline);
	const classification = config.task === 'classification';
	const { rows, folds } = candidateFolds(table, config, k);
	const scores: number[] = [];
	let fitMs = 0;
	let predictMs = 0;
	let predicted = 0;
	let bytes = 0;
	for (let f = 0; f < k; f++) {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'Cancelled.');
		options.onProgress?.(f / k, `Fold ${f + 1} of ${k}`);
		const { train, test } = foldRows(rows, folds, f);
		const fold = encodeFold(table, config, train, test, options.pipeline);
		const reason = unsuitableReason(spec.family, { rows: fold.rows, inputSize: fold.width, task: config.task, classes: fold.classes, hasMissing: false });
		if (reason) throw new KilnError('TrainingError', reason);
		const started = performance.now();
		const model = fitClassic(spec, fold.x, fold.rows, fold.width, fold.y, config.task, fold.classes, { seed: config.seed + f, signal: options.signal });
		fitMs += performance.now() - started;
		bytes += modelBytes(model);
		const t0 = performance.now();
		const out = predictClassic(model, fold.xTest, fold.testRows);
		predictMs += performance.now() - t0;
		predicted += fold.testRows;
		scores.push(foldScore(classification, out, fold));
	}
	options.onProgress?.(1, 'Done');
	const mean = scores.reduce((a, b) => a + b, 0) / k;
	const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / k);
	return { family: spec.family, metric: classification ? 'accuracy' : 'r2', scores, mean, std, fitMs: fitMs / k, modelBytes: bytes / k, predictMicrosPerRow: predicted > 0 ? (predictMs * 1000) / predicted : 0, notes: folds.notes };
}

/** Accuracy or R² of one fold's predictions on its encoded test rows. */
export function foldScore(classification: boolean, out: Float32Array, fold: EncodedFold): number {
	return classification ? accuracy(out, fold.yTest, fold.classes) : r2(out, fold.yTest);
}

/** Rows whose class the fold's training rows never had (label −1) count as wrong. */
function accuracy(probabilities: Float32Array, y: Int32Array | Float32Array, k: number): number {
	let correct = 0;
	for (let i = 0; i < y.length; i++) {
		let best = 0;
		for (let c = 1; c < k; c++) if (probabilities[i * k + c] > probabilities[i * k + best]) best = c;
		if (best === y[i]) correct++;
	}
	return correct / y.length;
}

/** R² on standardised values equals R² in the target's units. */
function r2(predicted: Float32Array, y: Int32Array | Float32Array): number {
	let mean = 0;
	for (let i = 0; i < y.length; i++) mean += y[i] / y.length;
	let se = 0;
	let total = 0;
	for (let i = 0; i < y.length; i++) {
		se += (predicted[i] - y[i]) ** 2;
		total += (y[i] - mean) ** 2;
	}
	return total > 0 ? 1 - se / total : 0;
}
