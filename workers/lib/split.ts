import { KilnError } from '$shared/errors';
import { createRng, shuffleInPlace } from './random';

/**
 * Seeded holdout split. With labels it is stratified: each class keeps its share in both
 * parts, which matters for small sets like iris where a plain split can starve a class. A
 * class never gives away its last row: every class keeps at least one row in training.
 */
export function holdoutSplit(rows: Int32Array, fraction: number, seed: number, labels?: ArrayLike<number>): { train: Int32Array; holdout: Int32Array } {
	const rng = createRng(seed ^ 0x5eed);
	const groups = new Map<number, number[]>();
	rows.forEach((row, i) => {
		const key = labels ? labels[i] : 0;
		const group = groups.get(key) ?? [];
		group.push(row);
		groups.set(key, group);
	});
	const train: number[] = [];
	const holdout: number[] = [];
	for (const key of [...groups.keys()].sort((a, b) => a - b)) {
		const group = shuffleInPlace(groups.get(key)!, rng);
		// A class with one row goes to training: it cannot be both learned and tested.
		const take = group.length > 1 && fraction > 0 ? Math.min(group.length - 1, Math.max(1, Math.round(group.length * fraction))) : 0;
		// Loops, not push(...spread): a spread of 100k+ rows overflows the call stack.
		for (let i = 0; i < group.length; i++) (i < take ? holdout : train).push(group[i]);
	}
	return { train: Int32Array.from(shuffleInPlace(train, rng)), holdout: Int32Array.from(holdout.sort((a, b) => a - b)) };
}

export interface ThreeWaySplit {
	/** Rows the model learns from (and preprocessing is fitted on). */
	train: Int32Array;
	/** Rows behind the per-epoch curves and early stopping; never trained on. */
	validation: Int32Array;
	/** Rows scored once, at the end: the run's reported result. */
	holdout: Int32Array;
}

/**
 * Train / validation / holdout. The holdout is taken first, so changing the validation share
 * never changes which rows a run is finally scored on. `labels[i]` belongs to `rows[i]`.
 */
export function threeWaySplit(rows: Int32Array, holdoutFraction: number, validationFraction: number, seed: number, labels?: ArrayLike<number>): ThreeWaySplit {
	const first = holdoutSplit(rows, holdoutFraction, seed, labels);
	if (validationFraction <= 0) return { train: first.train, validation: new Int32Array(0), holdout: first.holdout };
	let rest: ArrayLike<number> | undefined;
	if (labels) {
		const labelOf = new Map<number, number>();
		rows.forEach((row, i) => labelOf.set(row, labels[i]));
		rest = Array.from(first.train, (row) => labelOf.get(row)!);
	}
	const second = holdoutSplit(first.train, validationFraction, seed + 1, rest);
	return { train: second.train, validation: second.holdout, holdout: first.holdout };
}

/** Refuse splits that leave nothing to learn from or to score on, naming the counts. */
export function checkSplit(split: ThreeWaySplit, wantValidation: boolean): void {
	if (split.train.length === 0) throw new KilnError('TrainingError', 'No rows are left for training after the holdout and validation shares; lower them.');
	if (split.holdout.length === 0) throw new KilnError('TrainingError', `The holdout is empty (${split.train.length} training rows): raise the holdout share or add rows.`);
	if (wantValidation && split.validation.length === 0) throw new KilnError('TrainingError', 'The validation share leaves no validation rows: raise it, add rows, or set the validation share to 0 and turn early stopping off.');
}
