import type { Column, FeatureTransform, Preprocessing, Table, TargetTransform, Task } from '../protocol';
import { KilnError } from '$shared/errors';
import { findColumn, isMissingAt } from '$shared/table';

/**
 * Learn the feature and target transforms from the training rows only, so nothing about the
 * holdout leaks into scaling or imputation.
 */
export function fitPreprocessing(table: Table, features: string[], target: string, task: Task, rows: ArrayLike<number>): Preprocessing {
	const transforms = features.map((name) => fitFeature(findColumn(table, name), rows));
	return {
		features: transforms,
		target: fitTarget(findColumn(table, target), task, rows),
		inputSize: transforms.reduce((n, t) => n + width(t), 0)
	};
}

/** At most this many one-hot inputs per categorical column. */
export const MAX_ONE_HOT = 64;
/** More classes than this is almost always an ID or a number picked as a classification target. */
export const MAX_CLASSES = 1000;

const width = (t: FeatureTransform) => (t.kind === 'numeric' ? 1 : t.categories.length);

function fitFeature(column: Column, rows: ArrayLike<number>): FeatureTransform {
	if (column.kind === 'numeric') {
		const { mean, std } = meanStd(column.values, rows);
		return { name: column.name, kind: 'numeric', mean, std };
	}
	const counts = new Array<number>(column.categories.length).fill(0);
	for (let i = 0; i < rows.length; i++) {
		const code = column.codes[rows[i]];
		if (code >= 0) counts[code]++;
	}
	// Most frequent first; an ID-like column would otherwise become thousands of inputs. Rarer
	// categories encode as all zeros, like categories never seen in training.
	const kept = counts
		.map((count, code) => ({ count, code }))
		.filter((c) => c.count > 0)
		.sort((a, b) => b.count - a.count || a.code - b.code)
		.slice(0, MAX_ONE_HOT);
	// Missing cells take the most frequent category; a column with no values at all has none.
	return { name: column.name, kind: 'categorical', categories: kept.map((c) => column.categories[c.code]), fill: kept.length > 0 ? 0 : -1 };
}

function meanStd(values: Float64Array, rows: ArrayLike<number>): { mean: number; std: number } {
	// Welford's update: sumSq/n − mean² cancels catastrophically on columns far from zero
	// (timestamps, IDs around 1e9), leaving a variance of 0 or garbage.
	let n = 0;
	let mean = 0;
	let m2 = 0;
	for (let i = 0; i < rows.length; i++) {
		const v = values[rows[i]];
		if (Number.isNaN(v)) continue;
		n++;
		const delta = v - mean;
		mean += delta / n;
		m2 += delta * (v - mean);
	}
	const variance = n > 0 ? m2 / n : 0;
	// A constant column carries no information; std 1 keeps it at zero instead of dividing by 0.
	const std = Math.sqrt(variance);
	return { mean, std: std > 1e-13 * Math.max(1, Math.abs(mean)) && std > 1e-6 ? std : 1 };
}

/** Class labels as text; numeric labels sort numerically (digit 10 after 9). */
export function classLabels(column: Column, rows?: ArrayLike<number>): string[] {
	const indices = rows ?? Array.from({ length: column.kind === 'numeric' ? column.values.length : column.codes.length }, (_, i) => i);
	if (column.kind === 'categorical') {
		const used = new Set<number>();
		for (let i = 0; i < indices.length; i++) if (column.codes[indices[i]] >= 0) used.add(column.codes[indices[i]]);
		return column.categories.filter((_, i) => used.has(i));
	}
	const used = new Set<number>();
	for (let i = 0; i < indices.length; i++) if (!Number.isNaN(column.values[indices[i]])) used.add(column.values[indices[i]]);
	return [...used].sort((a, b) => a - b).map(String);
}

function fitTarget(column: Column, task: Task, rows: ArrayLike<number>): TargetTransform {
	if (task === 'classification') {
		const classes = classLabels(column, rows);
		if (classes.length < 2) {
			const only = classes.length === 1 ? `only one class ("${classes[0]}")` : 'no values';
			throw new KilnError('TrainingError', `The target column "${column.name}" has ${only} in the training rows; a classifier needs at least two classes. Pick another target column.`);
		}
		if (classes.length > MAX_CLASSES) {
			throw new KilnError('TrainingError', `The target column "${column.name}" has ${classes.length.toLocaleString('en-US')} different values; a classifier supports at most ${MAX_CLASSES}. If it holds numbers, choose regression; otherwise pick another target.`);
		}
		return { name: column.name, task, classes };
	}
	if (column.kind !== 'numeric') {
		throw new KilnError('TrainingError', `The target column "${column.name}" holds text, so it cannot be a regression target. Choose classification or another column.`);
	}
	const { mean, std } = meanStd(column.values, rows);
	return { name: column.name, task, mean, std };
}

/** Rows whose target is present; rows without a label cannot be trained or scored. */
export function labelledRows(table: Table, target: string): Int32Array {
	const column = findColumn(table, target);
	const rows: number[] = [];
	for (let r = 0; r < table.rowCount; r++) if (!isMissingAt(column, r)) rows.push(r);
	return Int32Array.from(rows);
}

export interface EncodedFeatures {
	x: Float32Array;
	/** Cells whose category has no input: unseen in training or too rare (encoded as all zeros). */
	unknownCategories: number;
}

/** Rows → a row-major float32 matrix [rows.length × inputSize]: standardised numbers, one-hot categories. */
export function encodeFeatures(table: Table, prep: Preprocessing, rows: ArrayLike<number>): EncodedFeatures {
	const x = new Float32Array(rows.length * prep.inputSize);
	let offset = 0;
	let unknownCategories = 0;
	for (const t of prep.features) {
		const column = findColumn(table, t.name);
		if (column.kind !== t.kind) {
			throw new KilnError('SchemaMismatchError', `Column "${t.name}" holds ${column.kind === 'numeric' ? 'numbers' : 'text'}, but the model was trained on ${t.kind === 'numeric' ? 'numbers' : 'text'} there.`);
		}
		if (t.kind === 'numeric' && column.kind === 'numeric') {
			for (let i = 0; i < rows.length; i++) {
				const v = column.values[rows[i]];
				// Missing numbers take the training mean, which is 0 after standardising.
				x[i * prep.inputSize + offset] = Number.isNaN(v) ? 0 : (v - t.mean) / t.std;
			}
			offset += 1;
		} else if (t.kind === 'categorical' && column.kind === 'categorical') {
			const slots = new Map(t.categories.map((c, i) => [c, i]));
			const toSlot = column.categories.map((c) => slots.get(c) ?? -1);
			for (let i = 0; i < rows.length; i++) {
				const code = column.codes[rows[i]];
				const slot = code < 0 ? t.fill : toSlot[code];
				if (slot >= 0) x[i * prep.inputSize + offset + slot] = 1;
				else if (code >= 0) unknownCategories++;
			}
			offset += t.categories.length;
		}
	}
	return { x, unknownCategories };
}

/** Class indices (classification) or standardised values (regression) for the given rows. */
export function encodeTarget(table: Table, prep: Preprocessing, rows: ArrayLike<number>): Int32Array | Float32Array {
	const t = prep.target;
	const column = findColumn(table, t.name);
	if (t.task === 'classification') {
		const index = new Map(t.classes.map((c, i) => [c, i]));
		const labels = column.kind === 'categorical' ? column.categories : null;
		const y = new Int32Array(rows.length);
		for (let i = 0; i < rows.length; i++) {
			const text = labels ? labels[(column as { codes: Int32Array }).codes[rows[i]]] : String((column as { values: Float64Array }).values[rows[i]]);
			// A class seen only in the holdout has no output unit; -1 scores as always wrong.
			y[i] = index.get(text) ?? -1;
		}
		return y;
	}
	if (column.kind !== 'numeric') throw new KilnError('TrainingError', `The target column "${t.name}" must hold numbers for regression.`);
	const y = new Float32Array(rows.length);
	for (let i = 0; i < rows.length; i++) y[i] = (column.values[rows[i]] - t.mean) / t.std;
	return y;
}
