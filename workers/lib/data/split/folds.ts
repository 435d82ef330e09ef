import type { Column } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { shuffleInPlace } from '$workers/lib/random';
import { checkLabels, groupsByClass, rngFor } from './shared';
import { mapToInt32, range } from '../pipeline/typed';

export interface Folds {
	k: number;
	/** fold[i] ∈ 0…k−1 is the fold of rows[i]. */
	fold: Int32Array;
	notes: string[];
}

export const MAX_FOLDS = 100;

function checkK(k: number, n: number, unit = 'rows'): void {
	if (!Number.isInteger(k) || k < 2 || k > MAX_FOLDS) throw new KilnError('ValidationError', `The number of folds must be a whole number from 2 to ${MAX_FOLDS} (got ${k}).`);
	if (n < k) throw new KilnError('ValidationError', `${k} folds need at least ${k} ${unit}; there ${n === 1 ? 'is 1' : `are ${n}`}.`);
}

/** Training and test rows for one fold. */
export function foldRows(rows: ArrayLike<number>, folds: Folds, f: number): { train: Int32Array; test: Int32Array } {
	const train: number[] = [];
	const test: number[] = [];
	for (let i = 0; i < rows.length; i++) (folds.fold[i] === f ? test : train).push(rows[i]);
	return { train: Int32Array.from(train).sort(), test: Int32Array.from(test).sort() };
}

/** Shuffled rows dealt into k folds whose sizes differ by at most one. */
export function kFold(rows: ArrayLike<number>, k: number, seed: number): Folds {
	checkK(k, rows.length);
	const order = shuffleInPlace(range(rows.length), rngFor(seed, 0xf01d));
	const fold = new Int32Array(rows.length);
	order.forEach((p, i) => (fold[p] = i % k));
	return { k, fold, notes: [] };
}

/**
 * Each class shuffled and dealt round-robin, continuing where the previous class stopped: every
 * class's count per fold differs by at most one, and so do the fold sizes.
 */
export function stratifiedKFold(rows: ArrayLike<number>, labels: ArrayLike<number>, k: number, seed: number, classNames?: readonly string[]): Folds {
	checkK(k, rows.length);
	checkLabels(rows, labels);
	const fold = new Int32Array(rows.length);
	const small: string[] = [];
	let next = 0;
	groupsByClass(labels, rngFor(seed, 0x57f0)).forEach((group, c) => {
		if (group.length > 0 && group.length < k) small.push(`"${classNames?.[c] ?? c}" (${group.length})`);
		for (const p of group) {
			fold[p] = next;
			next = (next + 1) % k;
		}
	});
	const notes = small.length > 0 ? [`Some classes have fewer rows than folds, so some folds test without them: ${small.join(', ')}.`] : [];
	return { k, fold, notes };
}

/** A group key per row: the category text or the number; all missing cells form one group. */
function groupKeys(column: Column, rows: ArrayLike<number>): { keys: Int32Array; groups: number; missing: number } {
	const index = new Map<string | number, number>();
	const keys = new Int32Array(rows.length);
	let missing = 0;
	for (let i = 0; i < rows.length; i++) {
		let key: string | number;
		if (column.kind === 'numeric') key = column.values[rows[i]];
		else key = column.codes[rows[i]] < 0 ? NaN : column.categories[column.codes[rows[i]]];
		if (typeof key === 'number' && Number.isNaN(key)) {
			missing++;
			key = '\u0000missing';
		}
		let id = index.get(key);
		if (id === undefined) index.set(key, (id = index.size));
		keys[i] = id;
	}
	return { keys, groups: index.size, missing };
}

/**
 * Group k-fold: every row of a group (a patient, a customer, a site) in the same fold, so no
 * group is both trained on and tested. Like scikit-learn's GroupKFold, the largest groups go
 * first, each to the fold with the fewest rows so far; the seed breaks ties between equal-sized groups.
 */
export function groupKFold(rows: ArrayLike<number>, column: Column, k: number, seed: number): Folds {
	const { keys, groups, missing } = groupKeys(column, rows);
	checkK(k, groups, `different values in "${column.name}"`);
	const sizes = new Array<number>(groups).fill(0);
	for (const key of keys) sizes[key]++;
	const order = shuffleInPlace(Array.from({ length: groups }, (_, g) => g), rngFor(seed, 0x6f0d));
	order.sort((a, b) => sizes[b] - sizes[a]);
	const load = new Array<number>(k).fill(0);
	const foldOfGroup = new Int32Array(groups);
	for (const g of order) {
		const f = load.indexOf(Math.min(...load));
		foldOfGroup[g] = f;
		load[f] += sizes[g];
	}
	const notes = missing > 0 ? [`${missing} row${missing === 1 ? '' : 's'} with no "${column.name}" were kept together as one group.`] : [];
	return { k, fold: mapToInt32(keys, (g) => foldOfGroup[g]), notes };
}
