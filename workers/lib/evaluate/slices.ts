import { KilnError } from '$shared/errors';
import type { Column } from '$workers/protocol';
import { classificationReport } from './classification';
import { scalarMetrics } from './folds';
import { regressionReport } from './regression';
import type { ClassificationInput, RegressionInput } from './types';

/** A partition of the evaluated rows by one column. */
export interface Slices {
	column: string;
	kind: 'numeric' | 'categorical';
	labels: string[];
	/** Slice index per evaluated row. */
	assignment: Int32Array;
	/** Numeric: bin edges (quantiles of the evaluated rows, de-duplicated). */
	edges: number[] | null;
}

export const MISSING_SLICE = '(missing)';
export const OTHER_SLICE = '(other)';

/**
 * Slice evaluated rows by a table column: one slice per category (the most frequent
 * `maxCategories`, the rest together), or numeric bins at quantiles of the evaluated values.
 * `rows[i]` is the table row of evaluated row i (e.g. the holdout rows). Missing cells get
 * their own slice.
 */
export function defineSlices(column: Column, rows: ArrayLike<number>, options: { bins?: number; maxCategories?: number } = {}): Slices {
	const n = rows.length;
	const assignment = new Int32Array(n);
	if (column.kind === 'categorical') {
		const counts = new Map<number, number>();
		for (let i = 0; i < n; i++) counts.set(column.codes[rows[i]], (counts.get(column.codes[rows[i]]) ?? 0) + 1);
		const kept = [...counts.entries()].filter(([code]) => code >= 0).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, options.maxCategories ?? 20).map(([code]) => code);
		const labels = kept.map((code) => column.categories[code]);
		const slot = new Map(kept.map((code, i) => [code, i]));
		const extra = (label: string) => {
			if (!labels.includes(label)) labels.push(label);
			return labels.indexOf(label);
		};
		for (let i = 0; i < n; i++) {
			const code = column.codes[rows[i]];
			assignment[i] = code < 0 ? extra(MISSING_SLICE) : (slot.get(code) ?? extra(OTHER_SLICE));
		}
		return { column: column.name, kind: 'categorical', labels, assignment, edges: null };
	}
	const bins = options.bins ?? 4;
	if (!Number.isInteger(bins) || bins < 1 || bins > 100) throw new KilnError('ValidationError', `Numeric slices need 1 to 100 bins; got ${bins}.`);
	const present = Float64Array.from({ length: n }, (_, i) => column.values[rows[i]]).filter((v) => !Number.isNaN(v)).sort();
	const edges: number[] = [];
	if (present.length > 0) {
		for (let q = 0; q <= bins; q++) {
			const v = present[Math.round((q / bins) * (present.length - 1))];
			if (edges.length === 0 || v > edges[edges.length - 1]) edges.push(v);
		}
		if (edges.length === 1) edges.push(edges[0]);
	}
	const format = (v: number) => Number(v.toPrecision(4)).toString();
	const labels = edges.slice(1).map((hi, b) => `${b === 0 ? '[' : '('}${format(edges[b])}, ${format(hi)}]`);
	let missing = -1;
	for (let i = 0; i < n; i++) {
		const v = column.values[rows[i]];
		if (Number.isNaN(v)) {
			if (missing < 0) missing = labels.push(MISSING_SLICE) - 1;
			assignment[i] = missing;
			continue;
		}
		let b = 0;
		while (b < edges.length - 2 && v > edges[b + 1]) b++;
		assignment[i] = b;
	}
	return { column: column.name, kind: 'numeric', labels, assignment, edges };
}

/** Evaluated rows in slice `s`. */
export function rowsInSlice(slices: Slices, s: number): Int32Array {
	const out: number[] = [];
	slices.assignment.forEach((a, i) => a === s && out.push(i));
	return Int32Array.from(out);
}

export interface SliceMetrics {
	label: string;
	rows: number;
	/** Headline figures of the slice, or null when it has no row that can be scored. */
	metrics: Record<string, number | null> | null;
}

const CLASSIFICATION_KEYS = ['accuracy', 'balancedAccuracy', 'macro.f1', 'weighted.f1', 'auc', 'logLoss', 'brier'];
const REGRESSION_KEYS = ['rmse', 'mae', 'mape', 'r2', 'meanResidual'];

/** Metrics of a classifier within each slice, same definitions as the whole report. */
export function classificationSliceMetrics(input: ClassificationInput, slices: Slices): SliceMetrics[] {
	const k = input.classes.length;
	return slices.labels.map((label, s) => {
		const rows = rowsInSlice(slices, s);
		const truth = Int32Array.from(rows, (i) => input.truth[i]);
		if (!truth.some((t) => t >= 0)) return { label, rows: rows.length, metrics: null };
		const probabilities = new Float32Array(rows.length * k);
		rows.forEach((i, j) => probabilities.set(input.probabilities.subarray(i * k, (i + 1) * k), j * k));
		const weights = input.weights ? Float32Array.from(rows, (i) => input.weights![i]) : undefined;
		if (weights && !weights.some((w, j) => w > 0 && truth[j] >= 0)) return { label, rows: rows.length, metrics: null };
		const report = classificationReport({ truth, probabilities, classes: input.classes, weights }, { curvePoints: 2, thresholdPoints: 2 });
		return { label, rows: rows.length, metrics: pick(scalarMetrics(report), CLASSIFICATION_KEYS) };
	});
}

export function regressionSliceMetrics(input: RegressionInput, slices: Slices): SliceMetrics[] {
	return slices.labels.map((label, s) => {
		const rows = rowsInSlice(slices, s);
		if (rows.length === 0 || (input.weights && !rows.some((i) => input.weights![i] > 0))) return { label, rows: rows.length, metrics: null };
		const report = regressionReport(
			{
				truth: Float64Array.from(rows, (i) => input.truth[i]),
				predicted: Float64Array.from(rows, (i) => input.predicted[i]),
				weights: input.weights ? Float64Array.from(rows, (i) => input.weights![i]) : undefined
			},
			{ maxPoints: 0 }
		);
		return { label, rows: rows.length, metrics: pick(scalarMetrics(report), REGRESSION_KEYS) };
	});
}

function pick(all: Record<string, number | null>, keys: string[]): Record<string, number | null> {
	return Object.fromEntries(keys.map((key) => [key, all[key] ?? null]));
}
