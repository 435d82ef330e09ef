import type { Preprocessing, Table, TrainConfig } from '../protocol';
import { KilnError } from '$shared/errors';
import { findColumn } from '$shared/table';
import { classLabels, encodeFeatures, encodeTarget, fitPreprocessing, labelledRows } from './preprocess';
import { checkSplit, threeWaySplit, type ThreeWaySplit } from './split';

/** One part of the split, encoded for the model. */
export interface EncodedPart {
	rows: Int32Array;
	x: Float32Array;
	/** Class indices, or standardised values for regression. */
	y: Int32Array | Float32Array;
}

export interface TrainingData {
	prep: Preprocessing;
	train: EncodedPart;
	validation: EncodedPart;
	holdout: EncodedPart;
	droppedRows: number;
	width: number;
	classes: number;
}

/**
 * The split a config gives on a table: rows without a target are dropped, then a seeded
 * (stratified for classes) train / validation / holdout split. Exported so tests can check
 * what training fitted on.
 */
export function splitFor(table: Table, config: TrainConfig): { split: ThreeWaySplit; droppedRows: number } {
	const labelled = labelledRows(table, config.target);
	const droppedRows = table.rowCount - labelled.length;
	if (labelled.length < 4) throw new KilnError('TrainingError', `Only ${labelled.length} rows have a value in "${config.target}"; at least 4 are needed to train and test.`);
	let strata: Int32Array | undefined;
	if (config.task === 'classification') {
		const all = classLabels(findColumn(table, config.target), labelled);
		if (all.length < 2) throw new KilnError('TrainingError', `The target column "${config.target}" has only one class ("${all[0]}"); a classifier needs at least two. Pick another target column.`);
		strata = encodeTarget(table, { features: [], inputSize: 0, target: { name: config.target, task: 'classification', classes: all } }, labelled) as Int32Array;
	}
	const split = threeWaySplit(labelled, config.holdoutFraction, config.validationFraction, config.seed, strata);
	checkSplit(split, config.patience > 0);
	return { split, droppedRows };
}

/**
 * Split, then fit preprocessing on the training rows only and encode every part with it. A
 * resumed run passes the preprocessing it started with, so its weights see the same inputs.
 */
export function prepareTraining(table: Table, config: TrainConfig, fitted?: Preprocessing): TrainingData {
	const { split, droppedRows } = splitFor(table, config);
	const prep = fitted ?? fitPreprocessing(table, config.features, config.target, config.task, split.train);
	const encode = (rows: Int32Array): EncodedPart => ({ rows, x: encodeFeatures(table, prep, rows).x, y: encodeTarget(table, prep, rows) });
	return {
		prep,
		train: encode(split.train),
		validation: encode(split.validation),
		holdout: encode(split.holdout),
		droppedRows,
		width: prep.inputSize,
		classes: prep.target.task === 'classification' ? prep.target.classes.length : 1
	};
}

/**
 * The one-hot order Kiln used before categories were ranked by frequency (up to commit b73aeaf):
 * every training category in the column's dictionary order, missing cells filled with the most
 * frequent. Checkpoints of that time did not store their preprocessing; resuming one needs it.
 */
export function dictionaryOrderPreprocessing(table: Table, prep: Preprocessing, trainRows: ArrayLike<number>): Preprocessing {
	const features = prep.features.map((t) => {
		const column = findColumn(table, t.name);
		if (t.kind !== 'categorical' || column.kind !== 'categorical') return t;
		const counts = new Array<number>(column.categories.length).fill(0);
		for (let i = 0; i < trainRows.length; i++) {
			const code = column.codes[trainRows[i]];
			if (code >= 0) counts[code]++;
		}
		const seen = column.categories.filter((_, i) => counts[i] > 0);
		const seenCounts = counts.filter((c) => c > 0);
		return { ...t, categories: seen, fill: seen.length > 0 ? seenCounts.indexOf(Math.max(...seenCounts)) : -1 };
	});
	return { ...prep, features, inputSize: features.reduce((n, f) => n + (f.kind === 'numeric' ? 1 : f.categories.length), 0) };
}
