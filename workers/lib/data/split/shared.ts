import { KilnError } from '$shared/errors';
import { createRng, shuffleInPlace } from '$workers/lib/random';

/**
 * Every split here takes `rows` (table row indices, e.g. the labelled rows) and, where it needs
 * them, `labels` parallel to `rows` (class index per row, 0…k−1). Results are table row indices
 * in ascending order, so the same seed gives the same split whatever the caller does next.
 */

export function checkFraction(value: number, what: string): void {
	if (!(value > 0 && value < 1)) throw new KilnError('ValidationError', `The ${what} share must be between 0 and 1 (got ${value}).`);
}

export function checkLabels(rows: ArrayLike<number>, labels: ArrayLike<number>): void {
	if (labels.length !== rows.length) throw new KilnError('ValidationError', `There are ${labels.length} labels for ${rows.length} rows; give one class per row.`);
	for (let i = 0; i < labels.length; i++) {
		if (!(Number.isInteger(labels[i]) && labels[i] >= 0)) throw new KilnError('ValidationError', `Row ${rows[i]} has no class (label ${labels[i]}); leave unlabelled rows out before splitting.`);
	}
}

/** Positions 0…n−1 of `rows` grouped by class, each group shuffled by the seed. */
export function groupsByClass(labels: ArrayLike<number>, rng: () => number): number[][] {
	const groups: number[][] = [];
	for (let i = 0; i < labels.length; i++) (groups[labels[i]] ??= []).push(i);
	return Array.from(groups, (g) => shuffleInPlace(g ?? [], rng));
}

export function sortedRows(rows: ArrayLike<number>, positions: Iterable<number>): Int32Array {
	const out: number[] = [];
	for (const p of positions) out.push(rows[p]);
	return Int32Array.from(out).sort();
}

/** Each split draws from its own stream so changing one kind of split never moves another. */
export function rngFor(seed: number, salt: number): () => number {
	if (!Number.isInteger(seed)) throw new KilnError('ValidationError', `The seed must be a whole number (got ${seed}).`);
	return createRng((seed ^ salt) >>> 0);
}

/** round(n·f) kept within [1, n − 1] when n ≥ 2, so both sides get a row; 0 when n < 2. */
export function share(n: number, fraction: number): number {
	if (n < 2) return 0;
	return Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
}
