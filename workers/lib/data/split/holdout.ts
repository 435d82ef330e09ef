import { KilnError } from '$shared/errors';
import { shuffleInPlace } from '$workers/lib/random';
import { checkFraction, checkLabels, groupsByClass, rngFor, share, sortedRows } from './shared';
import { range } from '../pipeline/typed';

export interface HoldoutSplit {
	train: Int32Array;
	holdout: Int32Array;
	/** Things the person should know (a class too small to test). */
	notes: string[];
}

export interface ThreeWaySplit {
	train: Int32Array;
	/** For learning curves, early stopping and tuning. */
	validation: Int32Array;
	/** Scored once, for the final figure only. */
	holdout: Int32Array;
	notes: string[];
}


/** Random holdout: round(n·fraction) rows, at least one on each side. */
export function randomHoldout(rows: ArrayLike<number>, fraction: number, seed: number): HoldoutSplit {
	checkFraction(fraction, 'holdout');
	if (rows.length < 2) throw new KilnError('ValidationError', `A holdout split needs at least 2 rows; there ${rows.length === 1 ? 'is 1' : `are ${rows.length}`}.`);
	const order = shuffleInPlace(range(rows.length), rngFor(seed, 0x401d));
	const take = share(rows.length, fraction);
	return { train: sortedRows(rows, order.slice(take)), holdout: sortedRows(rows, order.slice(0, take)), notes: [] };
}

function singletonNote(classes: number[], names?: readonly string[]): string[] {
	if (classes.length === 0) return [];
	const list = classes.map((c) => `"${names?.[c] ?? c}"`).join(', ');
	return [`Class${classes.length === 1 ? '' : 'es'} ${list} ${classes.length === 1 ? 'has' : 'have'} a single row; it stays in training, so the holdout cannot score ${classes.length === 1 ? 'it' : 'them'}.`];
}

/**
 * Stratified holdout: each class puts round(n_c·fraction) rows in the holdout, clamped so it
 * keeps at least one training row (and gives at least one when it has two or more). So every
 * class's holdout count is within one row of the exact proportion. A class with a single row
 * goes to training — it can be learned but not tested — and `notes` says so.
 */
export function stratifiedHoldout(rows: ArrayLike<number>, labels: ArrayLike<number>, fraction: number, seed: number, classNames?: readonly string[]): HoldoutSplit {
	checkFraction(fraction, 'holdout');
	checkLabels(rows, labels);
	const train: number[] = [];
	const holdout: number[] = [];
	const singletons: number[] = [];
	groupsByClass(labels, rngFor(seed, 0x57a7)).forEach((group, c) => {
		if (group.length === 1) singletons.push(c);
		const take = share(group.length, fraction);
		group.forEach((p, i) => (i < take ? holdout : train).push(p));
	});
	return { train: sortedRows(rows, train), holdout: sortedRows(rows, holdout), notes: singletonNote(singletons, classNames) };
}

/**
 * Train / validation / holdout. With labels, stratified per class: the holdout share first
 * (as stratifiedHoldout), then the validation share of the class's whole size from what is
 * left, always keeping a training row.
 */
export function threeWaySplit(rows: ArrayLike<number>, fractions: { validation: number; holdout: number }, seed: number, labels?: ArrayLike<number>, classNames?: readonly string[]): ThreeWaySplit {
	checkFraction(fractions.validation, 'validation');
	checkFraction(fractions.holdout, 'holdout');
	if (fractions.validation + fractions.holdout >= 1) throw new KilnError('ValidationError', `Validation (${fractions.validation}) and holdout (${fractions.holdout}) together must leave rows for training.`);
	if (rows.length < 3) throw new KilnError('ValidationError', `A train/validation/holdout split needs at least 3 rows; there are ${rows.length}.`);
	if (labels) checkLabels(rows, labels);
	const rng = rngFor(seed, 0x3a7);
	const groups = labels ? groupsByClass(labels, rng) : [shuffleInPlace(range(rows.length), rng)];
	const parts = { train: [] as number[], validation: [] as number[], holdout: [] as number[] };
	const singletons: number[] = [];
	groups.forEach((group, c) => {
		if (labels && group.length === 1) singletons.push(c);
		const h = share(group.length, fractions.holdout);
		const left = group.length - h;
		const v = left < 2 ? 0 : Math.min(left - 1, Math.max(1, Math.round(group.length * fractions.validation)));
		group.forEach((p, i) => (i < h ? parts.holdout : i < h + v ? parts.validation : parts.train).push(p));
	});
	return { train: sortedRows(rows, parts.train), validation: sortedRows(rows, parts.validation), holdout: sortedRows(rows, parts.holdout), notes: singletonNote(singletons, classNames) };
}
