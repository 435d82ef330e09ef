import type { CandidateResult, Table, TrainConfig } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { findColumn } from '$shared/table';
import { withConfigDefaults } from '$shared/train-config';
import { foldRows, kFold, stratifiedKFold } from '$workers/lib/data/split';
import { fitClassic, modelBytes, predictClassic, unsuitableReason } from '$workers/lib/models';
import { classLabels, encodeFeatures, encodeTarget, fitPreprocessing } from '$workers/lib/preprocess';
import { splitFor } from '$workers/lib/train-data';
import { validateConfig } from '$workers/lib/train';

export interface CrossValidateOptions {
	signal?: AbortSignal;
	onProgress?: (fraction: number, label: string) => void;
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
	validateConfig(table, config);
	const { split } = splitFor(table, config);
	const rows = Int32Array.from([...split.train, ...split.validation]).sort();
	const classification = config.task === 'classification';
	let folds;
	if (classification) {
		const classes = classLabels(findColumn(table, config.target), rows);
		const labels = encodeTarget(table, { features: [], inputSize: 0, target: { name: config.target, task: 'classification', classes } }, rows);
		folds = stratifiedKFold(rows, labels, k, config.seed, classes);
	} else folds = kFold(rows, k, config.seed);
	const scores: number[] = [];
	let fitMs = 0;
	let predictMs = 0;
	let predicted = 0;
	let bytes = 0;
	for (let f = 0; f < k; f++) {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'Cancelled.');
		options.onProgress?.(f / k, `Fold ${f + 1} of ${k}`);
		const { train, test } = foldRows(rows, folds, f);
		const prep = fitPreprocessing(table, config.features, config.target, config.task, train);
		const width = prep.inputSize;
		const classes = prep.target.task === 'classification' ? prep.target.classes.length : 1;
		const reason = unsuitableReason(spec.family, { rows: train.length, inputSize: width, task: config.task, classes, hasMissing: false });
		if (reason) throw new KilnError('TrainingError', reason);
		const x = encodeFeatures(table, prep, train).x;
		const y = encodeTarget(table, prep, train);
		const started = performance.now();
		const model = fitClassic(spec, x, train.length, width, y, config.task, classes, { seed: config.seed + f, signal: options.signal });
		fitMs += performance.now() - started;
		bytes += modelBytes(model);
		const xt = encodeFeatures(table, prep, test).x;
		const yt = encodeTarget(table, prep, test);
		const t0 = performance.now();
		const out = predictClassic(model, xt, test.length);
		predictMs += performance.now() - t0;
		predicted += test.length;
		scores.push(classification ? accuracy(out, yt, classes) : r2(out, yt));
	}
	options.onProgress?.(1, 'Done');
	const mean = scores.reduce((a, b) => a + b, 0) / k;
	const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / k);
	return { family: spec.family, metric: classification ? 'accuracy' : 'r2', scores, mean, std, fitMs: fitMs / k, modelBytes: bytes / k, predictMicrosPerRow: predicted > 0 ? (predictMs * 1000) / predicted : 0, notes: folds.notes };
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
