// Node-only helpers for the trust specs: Kiln's own split and preprocessing on a shipped demo set.
import { loadDataset } from '../../../tests/unit-support';
import { encodeFeatures, encodeTarget, fitPreprocessing, labelledRows } from '$workers/lib/preprocess';
import { holdoutSplit } from '$workers/lib/split';
import type { Table } from '$workers/protocol';

export interface Prepared {
	table: Table;
	width: number;
	classes: string[];
	train: Int32Array;
	holdout: Int32Array;
	xTrain: Float32Array;
	yTrain: Int32Array;
	xHold: Float32Array;
	yHold: Int32Array;
}

/** A demo set split and encoded exactly as trainModel does (stratified 20 % holdout, standardised features). */
export function prepare(file: string, target: string, seed: number, holdoutFraction = 0.2): Prepared {
	const table = loadDataset(file);
	const features = table.columns.map((c) => c.name).filter((n) => n !== target);
	const rows = labelledRows(table, target);
	const all = fitPreprocessing(table, [], target, 'classification', rows);
	const strata = encodeTarget(table, all, rows) as Int32Array;
	const { train, holdout } = holdoutSplit(rows, holdoutFraction, seed, strata);
	const prep = fitPreprocessing(table, features, target, 'classification', train);
	const classes = prep.target.task === 'classification' ? prep.target.classes : [];
	return {
		table,
		width: prep.inputSize,
		classes,
		train,
		holdout,
		xTrain: encodeFeatures(table, prep, train).x,
		yTrain: encodeTarget(table, prep, train) as Int32Array,
		xHold: encodeFeatures(table, prep, holdout).x,
		yHold: encodeTarget(table, prep, holdout) as Int32Array
	};
}

export const breastCancer = (seed: number) => prepare('breast-cancer.csv', 'diagnosis', seed);
