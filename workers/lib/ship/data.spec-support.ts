// Node-only helpers for the ship specs: a Kiln training run plus the exact rows it trained and
// held out, so compressed models are scored on the same holdout as the original.
import type { Table, TrainConfig, TrainResult } from '$workers/protocol';
import { findColumn } from '$shared/table';
import { loadDataset } from '../../../tests/unit-support';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { trainModel } from '$workers/lib/train';
import { classLabels, encodeFeatures, encodeTarget, labelledRows } from '$workers/lib/preprocess';
import { holdoutSplit } from '$workers/lib/split';
import { argmaxRows } from '$workers/lib/model';

export interface Prepared {
	table: Table;
	run: TrainResult;
	config: TrainConfig;
	inputSize: number;
	classes: number;
	xTrain: Float32Array;
	yTrain: Int32Array;
	xHold: Float32Array;
	yHold: Int32Array;
}

const cache = new Map<string, Promise<Prepared>>();

/** Train (once per file and settings) a Kiln classifier and rebuild its split from the seed. */
export function prepared(file: string, target: string, overrides: Partial<TrainConfig> = {}): Promise<Prepared> {
	const key = `${file}|${target}|${JSON.stringify(overrides)}`;
	if (!cache.has(key)) cache.set(key, prepare(file, target, overrides));
	return cache.get(key)!;
}

async function prepare(file: string, target: string, overrides: Partial<TrainConfig>): Promise<Prepared> {
	const table = loadDataset(file);
	const features = table.columns.map((c) => c.name).filter((n) => n !== target);
	const config: TrainConfig = { ...DEFAULT_CONFIG, target, task: 'classification', features, ...overrides };
	const run = await trainModel(table, config);
	// The same steps trainModel takes to split, so "holdout" here is its holdout.
	const labelled = labelledRows(table, target);
	const all = classLabels(findColumn(table, target), labelled);
	const strata = encodeTarget(table, { features: [], inputSize: 0, target: { name: target, task: 'classification', classes: all } }, labelled) as Int32Array;
	const { train, holdout } = holdoutSplit(labelled, config.holdoutFraction, config.seed, strata);
	const prep = run.preprocessing;
	return {
		table,
		run,
		config,
		inputSize: prep.inputSize,
		classes: prep.target.task === 'classification' ? prep.target.classes.length : 1,
		xTrain: encodeFeatures(table, prep, train).x,
		yTrain: encodeTarget(table, prep, train) as Int32Array,
		xHold: encodeFeatures(table, prep, holdout).x,
		yHold: encodeTarget(table, prep, holdout) as Int32Array
	};
}

export function accuracy(outputs: Float32Array, width: number, labels: Int32Array): number {
	const predicted = argmaxRows(outputs, width);
	let right = 0;
	for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
	return right / labels.length;
}
