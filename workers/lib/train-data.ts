import type { BalanceSummary, Preprocessing, Table, TargetTransform, TrainConfig } from '../protocol';
import { KilnError } from '$shared/errors';
import { findColumn } from '$shared/table';
import type { FittedPipeline, Pipeline } from './data/pipeline';
import { balanceTraining } from './train-balance';
import { encodeParts, type EncodedPart, type Parts } from './train-encode';
import { runSplit, type FoldRows, type RunSplit } from './train-split';

export type { EncodedPart } from './train-encode';

export interface TrainingData extends Parts<EncodedPart> {
	/** The encoding as a fitted pipeline (always; prediction replays it). */
	fitted: FittedPipeline;
	/** The same as the built-in `Preprocessing`, when it is one (share links and exports read it). */
	prep: Preprocessing | null;
	target: TargetTransform;
	droppedRows: number;
	width: number;
	classes: number;
	notes: string[];
	balance?: BalanceSummary;
	/** The cross-validation folds still to fit (raw table rows). */
	folds: FoldRows[];
}

/**
 * The split a config gives on a table (see runSplit): rows without a target dropped, then a
 * seeded train / validation / holdout split, and folds for k-fold methods. Exported so tests,
 * resume and the recipe export see exactly what training fitted on.
 */
export function splitFor(table: Table, config: TrainConfig): { split: RunSplit; droppedRows: number } {
	return runSplit(table, config);
}

/** Encode (and balance) one set of parts; shared by the final model and each fold. */
export function prepareParts(table: Table, config: TrainConfig, rows: Parts<Int32Array>, resume?: Preprocessing | FittedPipeline, pipeline?: Pipeline): Omit<TrainingData, 'droppedRows' | 'folds'> {
	const encoded = encodeParts(table, config, rows, resume, pipeline);
	const { fitted, target } = encoded;
	const width = fitted.inputSize;
	const classes = target.task === 'classification' ? target.classes.length : 1;
	let train = encoded.train;
	let balance: BalanceSummary | undefined;
	const notes = [...encoded.notes];
	const method = config.balance ?? 'none';
	if (method !== 'none') {
		if (target.task !== 'classification') throw new KilnError('ValidationError', 'Class balancing applies to classification; choose "none" for a regression target.');
		const balanced = balanceTraining(train, width, fitted, target.classes, method, config.seed);
		train = balanced.part;
		balance = balanced.summary;
		notes.push(...balanced.notes);
	}
	if (train.rows.length === 0) throw new KilnError('TrainingError', 'No training rows are left after the pipeline; check its filters.');
	return { ...encoded, train, width, classes, notes, balance };
}

/**
 * Split, then fit the encoding on the training rows only and encode every part with it. A
 * resumed run passes the encoding it started with, so its weights see the same inputs. Without
 * a pipeline the encoding is Kiln's built-in one, and `prep` is always filled.
 */
export function prepareTraining(table: Table, config: TrainConfig, resume?: Preprocessing): TrainingData & { prep: Preprocessing };
export function prepareTraining(table: Table, config: TrainConfig, resume?: Preprocessing | FittedPipeline, pipeline?: Pipeline): TrainingData;
export function prepareTraining(table: Table, config: TrainConfig, resume?: Preprocessing | FittedPipeline, pipeline?: Pipeline): TrainingData {
	const { split, droppedRows } = runSplit(table, config);
	const parts = prepareParts(table, config, split, resume, pipeline);
	return { ...parts, droppedRows, folds: split.folds, notes: [...split.notes, ...parts.notes] };
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

/** A run result's row counts: what each part of the split held and how many rows had no target. */
export function rowCounts(data: TrainingData): { trainRows: number; validationRows: number; holdoutRows: number; droppedRows: number } {
	return { trainRows: data.train.rows.length, validationRows: data.validation.rows.length, holdoutRows: data.holdout.rows.length, droppedRows: data.droppedRows };
}
