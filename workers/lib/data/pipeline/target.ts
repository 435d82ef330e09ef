import type { Column, Table, TargetTransform, Task } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { classLabels, encodeTarget, MAX_CLASSES } from '$workers/lib/preprocess';
import { moments, standardDeviation } from './stats';

/** The target's classes or scaling, from the training rows only (Welford for the regression std). */
export function fitTarget(column: Column, task: Task, rows: ArrayLike<number>): TargetTransform {
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
	if (column.kind !== 'numeric') throw new KilnError('TrainingError', `The target column "${column.name}" holds text, so it cannot be a regression target. Choose classification or another column.`);
	const m = moments(column.values, rows);
	return { name: column.name, task, mean: m.mean, std: standardDeviation(m) };
}

/** Class indices (−1 for a class unseen in training) or standardised values for the given rows. */
export function encodeTargetRows(target: TargetTransform, table: Table, rows: ArrayLike<number>): Int32Array | Float32Array {
	return encodeTarget(table, { features: [], target, inputSize: 0 }, rows);
}
