import { KilnError } from '$shared/errors';

export interface EncodedLabels {
	/** Class names in code-unit order (as scikit-learn's np.unique). */
	classes: string[];
	/** Class index per kept row. */
	y: Int32Array;
	/** Input rows that have a label. */
	rows: Int32Array;
	/** Rows without a label (missing or empty), left out. */
	unlabelled: number;
}

/** Class indices for the rows that have a label; refuses a label column with fewer than two classes. */
export function encodeLabels(labels: ArrayLike<string | null | undefined>, column = 'label'): EncodedLabels {
	const kept: number[] = [];
	const seen = new Set<string>();
	for (let i = 0; i < labels.length; i++) {
		const l = labels[i];
		if (l === null || l === undefined || l.trim() === '') continue;
		kept.push(i);
		seen.add(l);
	}
	if (kept.length === 0) throw new KilnError('TrainingError', `No row has a value in "${column}", so there is nothing to learn. Pick the column that holds the classes.`);
	const classes = [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	if (classes.length < 2) throw new KilnError('TrainingError', `The label column "${column}" has only one class ("${classes[0]}"); a classifier needs at least two. Pick another column or add examples of another class.`);
	const index = new Map(classes.map((c, i) => [c, i]));
	return { classes, y: Int32Array.from(kept, (i) => index.get(labels[i]!)!), rows: Int32Array.from(kept), unlabelled: labels.length - kept.length };
}

/** Labels of `rows` under known classes (−1 for a class the model never saw). */
export function labelIndices(labels: ArrayLike<string | null | undefined>, classes: readonly string[], rows: ArrayLike<number>): Int32Array {
	const index = new Map(classes.map((c, i) => [c, i]));
	return Int32Array.from({ length: rows.length }, (_, i) => index.get(labels[rows[i]] ?? '') ?? -1);
}
