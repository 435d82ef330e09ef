import type { Column } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { checkFraction } from './shared';

export interface TimeSplit {
	train: Int32Array;
	validation: Int32Array;
	holdout: Int32Array;
	/** Rows without a time: they cannot be placed before or after anything, so they are left out. */
	excluded: Int32Array;
	notes: string[];
}

/**
 * Time-ordered split by a numeric column (epoch milliseconds or any ordered number): the latest
 * rows are the holdout, the ones before them validation, the earliest train — a model is
 * always tested on a future it has not seen. Rows sharing a time are never split across parts
 * (ties go to the later part). No randomness, so no seed.
 */
export function timeSplit(rows: ArrayLike<number>, column: Column, fractions: { holdout: number; validation?: number }): TimeSplit {
	checkFraction(fractions.holdout, 'holdout');
	const validationShare = fractions.validation ?? 0;
	if (validationShare !== 0) checkFraction(validationShare, 'validation');
	if (fractions.holdout + validationShare >= 1) throw new KilnError('ValidationError', 'Validation and holdout together must leave rows for training.');
	if (column.kind !== 'numeric') throw new KilnError('ValidationError', `A time split needs a column of dates or numbers; "${column.name}" holds text. Cast or parse it first.`);
	const timed: number[] = [];
	const excluded: number[] = [];
	for (let i = 0; i < rows.length; i++) (Number.isNaN(column.values[rows[i]]) ? excluded : timed).push(rows[i]);
	timed.sort((a, b) => column.values[a] - column.values[b] || a - b);
	const n = timed.length;
	const time = (i: number) => column.values[timed[i]];
	/** First index of the later part, moved back over rows that share its time. */
	const boundary = (share: number, end: number) => {
		let b = Math.max(0, Math.min(end - 1, end - Math.round(n * share)));
		while (b > 0 && time(b - 1) === time(b)) b--;
		return b;
	};
	const holdoutStart = boundary(fractions.holdout, n);
	const validationStart = validationShare > 0 ? boundary(validationShare, holdoutStart) : holdoutStart;
	if (validationStart < 1) throw new KilnError('ValidationError', `Ordered by "${column.name}", no rows are left for training: too many rows share the latest times. Use a smaller holdout share.`);
	const notes = excluded.length > 0 ? [`${excluded.length} row${excluded.length === 1 ? '' : 's'} with no "${column.name}" were left out of the split.`] : [];
	return {
		train: Int32Array.from(timed.slice(0, validationStart)).sort(),
		validation: Int32Array.from(timed.slice(validationStart, holdoutStart)).sort(),
		holdout: Int32Array.from(timed.slice(holdoutStart)).sort(),
		excluded: Int32Array.from(excluded).sort(),
		notes
	};
}
