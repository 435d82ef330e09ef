import { KilnError } from '$shared/errors';
import { shuffleInPlace } from '$workers/lib/random';
import { checkLabels, rngFor } from './shared';
import { mapToInt32 } from '../pipeline/typed';

/**
 * Class balance for the TRAINING rows only: resampling the holdout would score the model on
 * made-up or missing cases. `labels` is parallel to `rows` (class index per row).
 */

export interface ClassCounts {
	before: number[];
	after: number[];
}

export interface Resampled {
	/** Training rows after resampling (a row may repeat), shuffled by the seed. */
	rows: Int32Array;
	/** Class of each entry of `rows`. */
	labels: Int32Array;
	counts: ClassCounts;
}

/** How many rows each class should end with: a list per class, or up/down to the largest/smallest class. */
export type TargetCounts = number[] | 'majority' | 'minority';

export function classCounts(labels: ArrayLike<number>, classes: number): number[] {
	const counts = new Array<number>(classes).fill(0);
	for (let i = 0; i < labels.length; i++) {
		if (labels[i] >= classes) throw new KilnError('ValidationError', `Label ${labels[i]} is out of range for ${classes} classes.`);
		counts[labels[i]]++;
	}
	return counts;
}

/**
 * scikit-learn's "balanced" weights, n / (k · count_c), where k counts the classes present;
 * a class absent from training gets weight 0 (there is nothing to weight).
 */
export function classWeights(labels: ArrayLike<number>, classes: number): Float64Array {
	const counts = classCounts(labels, classes);
	const present = counts.filter((c) => c > 0).length;
	return Float64Array.from(counts, (c) => (c > 0 ? labels.length / (present * c) : 0));
}

/** Per-row weights for a weighted loss, from class weights. */
export function sampleWeights(labels: ArrayLike<number>, weights: ArrayLike<number>): Float32Array {
	return Float32Array.from({ length: labels.length }, (_, i) => weights[labels[i]]);
}

export function resolveTargets(counts: number[], target: TargetCounts): number[] {
	if (target === 'majority') return counts.map((c) => (c > 0 ? Math.max(...counts) : 0));
	if (target === 'minority') {
		const smallest = Math.min(...counts.filter((c) => c > 0));
		return counts.map((c) => (c > 0 ? smallest : 0));
	}
	if (target.length !== counts.length || target.some((t) => !Number.isInteger(t) || t < 0)) {
		throw new KilnError('ValidationError', `Give one whole, non-negative row count per class (${counts.length} classes).`);
	}
	return target;
}

function byClass(labels: ArrayLike<number>, classes: number): number[][] {
	const groups = Array.from({ length: classes }, () => [] as number[]);
	for (let i = 0; i < labels.length; i++) groups[labels[i]].push(i);
	return groups;
}

function finish(rows: ArrayLike<number>, labels: ArrayLike<number>, positions: number[], before: number[], classes: number, rng: () => number): Resampled {
	shuffleInPlace(positions, rng);
	const outLabels = mapToInt32(positions, (p) => labels[p]);
	return { rows: mapToInt32(positions, (p) => rows[p]), labels: outLabels, counts: { before, after: classCounts(outLabels, classes) } };
}

/** Random over-sampling: every original row kept, rows of smaller classes drawn again (with replacement) up to the target. */
export function randomOversample(rows: ArrayLike<number>, labels: ArrayLike<number>, classes: number, seed: number, target: TargetCounts = 'majority'): Resampled {
	checkLabels(rows, labels);
	const before = classCounts(labels, classes);
	const goal = resolveTargets(before, target);
	const rng = rngFor(seed, 0x0e5a);
	const positions = Array.from({ length: rows.length }, (_, i) => i);
	byClass(labels, classes).forEach((group, c) => {
		if (group.length === 0 && goal[c] > 0) throw new KilnError('ValidationError', `Class ${c} has no training rows to over-sample.`);
		for (let extra = goal[c] - group.length; extra > 0; extra--) positions.push(group[Math.floor(rng() * group.length)]);
	});
	return finish(rows, labels, positions, before, classes, rng);
}

/** Random under-sampling: each larger class keeps a random subset (without replacement) of the target size. */
export function randomUndersample(rows: ArrayLike<number>, labels: ArrayLike<number>, classes: number, seed: number, target: TargetCounts = 'minority'): Resampled {
	checkLabels(rows, labels);
	const before = classCounts(labels, classes);
	const goal = resolveTargets(before, target);
	const rng = rngFor(seed, 0x0d5a);
	const positions: number[] = [];
	byClass(labels, classes).forEach((group, c) => {
		shuffleInPlace(group, rng);
		for (let i = 0; i < Math.min(group.length, goal[c]); i++) positions.push(group[i]);
	});
	return finish(rows, labels, positions, before, classes, rng);
}
