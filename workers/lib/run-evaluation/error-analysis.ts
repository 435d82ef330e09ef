import type { SliceSet, Table, WorstRow } from '$workers/protocol';
import { cellText, findColumn } from '$shared/table';
import {
	classificationSliceMetrics,
	defineSlices,
	regressionSliceMetrics,
	worstClassified,
	worstRegressed,
	type ClassificationInput,
	type RegressionInput,
	type Slices
} from '$workers/lib/evaluate';

/** Worst rows kept with a run: enough to filter by class or slice and still see several. */
export const WORST_ROWS = 100;
/** Columns sliced (and shown in the worst-rows table), in feature order. */
export const MAX_SLICE_COLUMNS = 40;

/**
 * Metrics per slice of every feature column (categories, or four quantile bins of a number) and
 * the worst-predicted holdout rows with their cells, so the page can filter them by class and by
 * any column's slice without asking the worker again.
 */
export function errorAnalysis(
	table: Table,
	/** The columns to slice and show, in the order the model reads them. */
	names: readonly string[],
	holdout: Int32Array,
	classification: ClassificationInput | null,
	regression: RegressionInput | null
): { slices: SliceSet[]; worst: WorstRow[]; worstColumns: string[] } {
	const columns = names.slice(0, MAX_SLICE_COLUMNS).map((name) => findColumn(table, name));
	const partitions: Slices[] = columns.map((column) => defineSlices(column, holdout, { bins: 4, maxCategories: 12 }));
	const slices: SliceSet[] = partitions.map((p) => ({
		column: p.column,
		kind: p.kind,
		labels: p.labels,
		metrics: classification ? classificationSliceMetrics(classification, p) : regressionSliceMetrics(regression!, p)
	}));
	const cells = (index: number) => columns.map((column) => cellText(column, holdout[index]));
	const sliceOf = (index: number) => partitions.map((p) => p.assignment[index]);
	let worst: WorstRow[];
	if (classification) {
		const classes = classification.classes;
		worst = worstClassified(classification, {}, WORST_ROWS).map((w) => ({
			row: holdout[w.index] + 1,
			truth: classes[w.truth],
			predicted: classes[w.predicted],
			loss: w.loss,
			probabilityOfTruth: w.probabilityOfTruth,
			values: cells(w.index),
			slices: sliceOf(w.index)
		}));
	} else {
		const format = (v: number) => String(Number(v.toPrecision(6)));
		worst = worstRegressed(regression!, {}, WORST_ROWS).map((w) => ({
			row: holdout[w.index] + 1,
			truth: format(w.actual),
			predicted: format(w.predicted),
			loss: w.loss,
			values: cells(w.index),
			slices: sliceOf(w.index)
		}));
	}
	return { slices, worst, worstColumns: columns.map((c) => c.name) };
}
