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
	/**
	 * Times the k folds are dealt anew (default 1). On a few hundred rows one fold's score moves by
	 * a row's worth (3–4 points on iris), so one deal can rank near-equal families by luck; each
	 * repeat deals the same rows into different folds and the mean is over all k × repeats fits.
	 */
	repeats?: number;
	/**
	 * The rows to cross-validate instead of the run's training and validation rows (the quality
	 * bench passes the training rows of its own stratified split).
	 */
	rows?: Int32Array;
}

/** The most repeats a search may ask for (k × repeats fits per family). */
export const MAX_REPEATS = 10;

/** Fold seed of repeat r: the run's seed for the first deal, so one repeat is the plain k-fold. */
export const repeatSeed = (seed: number, r: number): number => (r === 0 ? seed : (seed + r * 0x3c6ef372) | 0);

/** Checks the repeats a request asks for. */
export function checkRepeats(repeats: number): void {
	if (!Number.isInteger(repeats) || repeats < 1 || repeats > MAX_REPEATS) throw new KilnError('ValidationError', `Repeats of the cross-validation must be a whole number from 1 to ${MAX_REPEATS} (got ${repeats}).`);
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
export function candidateFolds(table: Table, config: TrainConfig, k: number, repeat = 0, only?: Int32Array): { rows: Int32Array; folds: ReturnType<typeof kFold> } {
	const rows = only ? Int32Array.from(only).sort() : runRows(table, config);
	const seed = repeatSeed(config.seed, repeat);
	if (config.task !== 'classification') return { rows, folds: kFold(rows, k, seed) };
	const classes = classLabels(findColumn(table, config.target), rows);
	const labels = encodeTarget(table, { features: [], inputSize: 0, target: { name: config.target, task: 'classification', classes } }, rows);
	return { rows, folds: stratifiedKFold(rows, labels, k, seed, classes) };
}

function runRows(table: Table, config: TrainConfig): Int32Array {
	const { split } = splitFor(table, config);
	return Int32Array.from([...split.train, ...split.validation]).sort();
}

/** Every (repeat, fold) pair of a search in order, with the fold rows of each deal. */
export function* candidateFits(table: Table, config: TrainConfig, k: number, repeats: number, only?: Int32Array): Generator<{ index: number; total: number; repeat: number; fold: number; train: Int32Array; test: Int32Array; notes: string[] }> {
	checkRepeats(repeats);
	for (let r = 0; r < repeats; r++) {
		const { rows, folds } = candidateFolds(table, config, k, r, only);
		for (let f = 0; f < k; f++) yield { index: r * k + f, total: repeats * k, repeat: r, fold: f, ...foldRows(rows, folds, f), notes: folds.notes };
	}
}

/** What a fit is called in progress labels. */
export const fitLabel = (fit: { repeat: number; fold: number }, k: number, repeats: number): string => (repeats > 1 ? `Repeat ${fit.repeat + 1} of ${repeats}, fold ${fit.fold + 1} of ${k}` : `Fold ${fit.fold + 1} of ${k}`);

/** Mean and (population) standard deviation of the fold scores. */
export function summarise(scores: number[]): { mean: number; std: number } {
	const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
	return { mean, std: Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length) };
}

/** One fitted fold: its score, fit and prediction times, model size and scored rows. */
export interface FoldFit {
	score: number;
	fitMs: number;
	bytes: number;
	predictMs: number;
	rows: number;
}

/** One candidate's folds summed the same way for the classic families and the MLP. */
export class FoldTally {
	readonly scores: number[] = [];
	notes: string[] = [];
	private fitMs = 0;
	private predictMs = 0;
	private predicted = 0;
	private bytes = 0;

	add(fold: FoldFit): void {
		this.scores.push(fold.score);
		this.fitMs += fold.fitMs;
		this.bytes += fold.bytes;
		this.predictMs += fold.predictMs;
		this.predicted += fold.rows;
	}

	result(family: CandidateResult['family'], classification: boolean): CandidateResult {
		const fits = this.scores.length;
		const predictMicrosPerRow = this.predicted > 0 ? (this.predictMs * 1000) / this.predicted : 0;
		return { family, metric: classification ? 'accuracy' : 'r2', scores: this.scores, ...summarise(this.scores), fitMs: this.fitMs / fits, modelBytes: this.bytes / fits, predictMicrosPerRow, notes: this.notes };
	}
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
	const repeats = options.repeats ?? 1;
	const tally = new FoldTally();
	for (const fit of candidateFits(table, config, k, repeats, options.rows)) {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'Cancelled.');
		options.onProgress?.(fit.index / fit.total, fitLabel(fit, k, repeats));
		tally.notes = fit.notes;
		// Seeds per fold as before (seed + f): repeat r's fits differ by their rows, not their seed.
		tally.add(fitAndScoreClassic(table, config, fit.train, fit.test, config.seed + fit.fold, options));
	}
	options.onProgress?.(1, 'Done');
	return tally.result(spec.family, classification);
}

/** One fold's fit of a classic config: its score on the test rows, with the timings and size the leaderboard shows. */
export function fitAndScoreClassic(table: Table, config: TrainConfig, train: Int32Array, test: Int32Array, seed: number, options: Pick<CrossValidateOptions, 'pipeline' | 'signal'> = {}): FoldFit {
	const spec = config.classic;
	if (!spec) throw new KilnError('TrainingError', 'This config has no classic model family to fit.');
	const fold = encodeFold(table, config, train, test, options.pipeline);
	const reason = unsuitableReason(spec.family, { rows: fold.rows, inputSize: fold.width, task: config.task, classes: fold.classes, hasMissing: false });
	if (reason) throw new KilnError('TrainingError', reason);
	const started = performance.now();
	const model = fitClassic(spec, fold.x, fold.rows, fold.width, fold.y, config.task, fold.classes, { seed, signal: options.signal });
	const fitMs = performance.now() - started;
	const t0 = performance.now();
	const out = predictClassic(model, fold.xTest, fold.testRows);
	return { score: foldScore(config.task === 'classification', out, fold), fitMs, bytes: modelBytes(model), predictMs: performance.now() - t0, rows: fold.testRows };
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
