import type { SplitMethod, Table, TrainConfig } from '../protocol';
import { KilnError } from '$shared/errors';
import { findColumn } from '$shared/table';
import { foldRows, groupKFold, kFold, stratifiedKFold, timeSplit, type Folds } from './data/split';
import { classLabels, encodeTarget, labelledRows } from './preprocess';
import { checkSplit, threeWaySplit, type ThreeWaySplit } from './split';

/** One cross-validation fold: the model learns from `train` and is scored on `validation`. */
export interface FoldRows {
	train: Int32Array;
	validation: Int32Array;
}

/** The split a run trains on: the final model's three parts, and the folds when it cross-validates. */
export interface RunSplit extends ThreeWaySplit {
	folds: FoldRows[];
	notes: string[];
	/** Labelled rows left out of every part (a time split's rows without a time). */
	excluded: number;
}

export const DEFAULT_SPLIT: SplitMethod = { kind: 'holdout', stratify: true };

/** Class index per labelled row, for stratifying (classification only). */
function strataOf(table: Table, config: TrainConfig, labelled: Int32Array): Int32Array {
	const all = classLabels(findColumn(table, config.target), labelled);
	if (all.length < 2) throw new KilnError('TrainingError', `The target column "${config.target}" has only one class ("${all[0]}"); a classifier needs at least two. Pick another target column.`);
	return encodeTarget(table, { features: [], inputSize: 0, target: { name: config.target, task: 'classification', classes: all } }, labelled) as Int32Array;
}

function sorted(rows: Int32Array): Int32Array {
	return Int32Array.from(rows).sort();
}

function foldList(pool: Int32Array, folds: Folds): FoldRows[] {
	return Array.from({ length: folds.k }, (_, f) => {
		const { train, test } = foldRows(pool, folds, f);
		return { train, validation: test };
	});
}

/** Labels of `rows` taken from the labels of `labelled` (parallel arrays). */
function labelsOf(rows: Int32Array, labelled: Int32Array, strata: Int32Array): Int32Array {
	const byRow = new Map<number, number>();
	labelled.forEach((row, i) => byRow.set(row, strata[i]));
	return Int32Array.from(rows, (r) => byRow.get(r)!);
}

/** One group-aware share: the first of round(1/share) group folds. */
function groupPart(rows: Int32Array, table: Table, column: string, share: number, seed: number): { part: Int32Array; rest: Int32Array } {
	const k = Math.max(2, Math.round(1 / share));
	const { train, test } = foldRows(rows, groupKFold(rows, findColumn(table, column), k, seed), 0);
	return { part: test, rest: train };
}

/**
 * The rows of each part for a config: rows without a target are dropped; then the holdout (scored
 * once at the end), validation (curves, early stopping) and training rows, seeded. A holdout split
 * (the default) is exactly the split Kiln has always made; k-fold methods split the non-holdout rows
 * into folds as well. Group methods never put one group's rows in two parts; a time split puts the
 * latest rows last.
 */
export function runSplit(table: Table, config: TrainConfig): { split: RunSplit; droppedRows: number } {
	const labelled = labelledRows(table, config.target);
	const droppedRows = table.rowCount - labelled.length;
	if (labelled.length < 4) throw new KilnError('TrainingError', `Only ${labelled.length} rows have a value in "${config.target}"; at least 4 are needed to train and test.`);
	const method = config.split ?? DEFAULT_SPLIT;
	const classes = config.task === 'classification';
	const strata = classes ? strataOf(table, config, labelled) : undefined;
	let split: RunSplit;
	if (method.kind === 'holdout' || method.kind === 'kfold') {
		const stratify = method.stratify ? strata : undefined;
		const three = threeWaySplit(labelled, config.holdoutFraction, config.validationFraction, config.seed, stratify);
		let folds: FoldRows[] = [];
		const notes: string[] = [];
		if (method.kind === 'kfold') {
			const pool = sorted(Int32Array.from([...three.train, ...three.validation]));
			const assigned = stratify ? stratifiedKFold(pool, labelsOf(pool, labelled, strata!), method.folds, config.seed) : kFold(pool, method.folds, config.seed);
			folds = foldList(pool, assigned);
			notes.push(...assigned.notes);
		}
		split = { ...three, folds, notes, excluded: 0 };
	} else if (method.kind === 'group-kfold') {
		const { part: holdout, rest } = groupPart(labelled, table, method.column, config.holdoutFraction, config.seed);
		const { part: validation, rest: train } = config.validationFraction > 0 ? groupPart(rest, table, method.column, config.validationFraction, config.seed + 1) : { part: new Int32Array(0), rest };
		const assigned = groupKFold(rest, findColumn(table, method.column), method.folds, config.seed);
		split = { train, validation, holdout, folds: foldList(rest, assigned), notes: assigned.notes, excluded: 0 };
	} else {
		const timed = timeSplit(labelled, findColumn(table, method.column), { holdout: config.holdoutFraction, validation: config.validationFraction > 0 ? config.validationFraction : undefined });
		split = { train: timed.train, validation: timed.validation, holdout: timed.holdout, folds: [], notes: timed.notes, excluded: timed.excluded.length };
	}
	checkSplit(split, config.patience > 0);
	return { split, droppedRows };
}
