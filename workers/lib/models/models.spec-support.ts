// Node-only helpers for the model specs and bench/quality; never imported by a worker.
import type { Table, Task } from '$workers/protocol';
import { findColumn } from '$shared/table';
import { classLabels, encodeFeatures, encodeTarget, fitPreprocessing, labelledRows } from '$workers/lib/preprocess';
import { holdoutSplit } from '$workers/lib/split';
import { loadDataset } from '../../../tests/unit-support';

export interface Holdout {
	xTrain: Float32Array;
	yTrain: Int32Array | Float32Array;
	xTest: Float32Array;
	yTest: Int32Array | Float32Array;
	nTrain: number;
	nTest: number;
	d: number;
	classes: number;
	/** Table row numbers of each part, for replaying the split elsewhere (scikit-learn). */
	trainRows: Int32Array;
	testRows: Int32Array;
}

/** The same split and preprocessing as trainModel: stratified seeded holdout, transforms fitted on train rows. */
export function holdoutData(table: Table, target: string, task: Task, seed: number, fraction = 0.2, features?: string[]): Holdout {
	const labelled = labelledRows(table, target);
	let strata: Int32Array | undefined;
	if (task === 'classification') {
		const all = classLabels(findColumn(table, target), labelled);
		strata = encodeTarget(table, { features: [], inputSize: 0, target: { name: target, task, classes: all } }, labelled) as Int32Array;
	}
	const { train, holdout } = holdoutSplit(labelled, fraction, seed, strata);
	const names = features ?? table.columns.map((c) => c.name).filter((name) => name !== target);
	const prep = fitPreprocessing(table, names, target, task, train);
	return {
		xTrain: encodeFeatures(table, prep, train).x,
		yTrain: encodeTarget(table, prep, train),
		xTest: encodeFeatures(table, prep, holdout).x,
		yTest: encodeTarget(table, prep, holdout),
		nTrain: train.length,
		nTest: holdout.length,
		d: prep.inputSize,
		classes: prep.target.task === 'classification' ? prep.target.classes.length : 1,
		trainRows: train,
		testRows: holdout
	};
}

export function datasetHoldout(file: string, target: string, task: Task, seed: number, features?: string[]): Holdout {
	return holdoutData(loadDataset(file), target, task, seed, 0.2, features);
}

export function accuracy(probs: Float32Array, y: ArrayLike<number>, k: number): number {
	let good = 0;
	for (let i = 0; i < y.length; i++) {
		let best = 0;
		for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
		if (best === y[i]) good++;
	}
	return good / y.length;
}

export function r2(pred: ArrayLike<number>, y: ArrayLike<number>): number {
	let mean = 0;
	for (let i = 0; i < y.length; i++) mean += y[i] / y.length;
	let se = 0;
	let ss = 0;
	for (let i = 0; i < y.length; i++) {
		se += (pred[i] - y[i]) ** 2;
		ss += (y[i] - mean) ** 2;
	}
	return 1 - se / ss;
}
