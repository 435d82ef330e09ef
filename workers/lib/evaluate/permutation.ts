import { KilnError } from '$shared/errors';
import { createRng, shuffleInPlace } from '$workers/lib/random';
import { checkGroups } from './groups';
import { HIGHER_IS_BETTER, isClassificationMetric, score, type MetricName } from './scorers';

/**
 * Any model as a function of a row-major n × width matrix: n × k class probabilities for a
 * classifier, n values for a regressor. It receives its own copy of the input, so it may keep or
 * transfer it.
 */
export type Predict = (x: Float32Array, n: number) => Promise<Float32Array>;

export interface ExplainData {
	predict: Predict;
	/** Row-major encoded features of the evaluated rows. */
	x: Float32Array;
	rows: number;
	width: number;
}

export interface PermutationOptions extends ExplainData {
	/** Class indices (classification) or target values in the model's output units (regression). */
	truth: ArrayLike<number>;
	/** Outputs per row: the number of classes, or 1 for regression. */
	outputs: number;
	metric: MetricName;
	/** Columns to permute; all inputs of a group move together, so a one-hot block stays valid. */
	groups: { name: string; indices: number[] }[];
	repeats?: number;
	seed?: number;
	/** Score on a seeded sample of at most this many rows (default 10,000). */
	maxRows?: number;
	weights?: ArrayLike<number>;
	signal?: AbortSignal;
	onProgress?: (done: number, total: number) => void;
}

export interface ColumnImportance {
	name: string;
	/** Mean worsening of the metric when the column is shuffled; positive = the model relies on it. */
	mean: number;
	/** Population std over repeats (numpy's default, as scikit-learn reports importances_std). */
	std: number;
	drops: number[];
}

export interface PermutationImportance {
	metric: MetricName;
	higherIsBetter: boolean;
	/** The metric on the unshuffled rows. */
	baseline: number;
	rows: number;
	repeats: number;
	/** Most important first. */
	columns: ColumnImportance[];
}

/** Breiman's permutation importance, model-agnostic, seeded, per original column. */
export async function permutationImportance(options: PermutationOptions): Promise<PermutationImportance> {
	const { predict, width, outputs, metric, groups } = options;
	const repeats = options.repeats ?? 5;
	if (!Number.isInteger(repeats) || repeats < 1 || repeats > 100) throw new KilnError('ValidationError', `Repeats must be a whole number from 1 to 100; got ${repeats}.`);
	if (isClassificationMetric(metric) !== outputs > 1) {
		throw new KilnError('ValidationError', `The metric "${metric}" does not fit a model with ${outputs} output${outputs === 1 ? '' : 's'}.`);
	}
	checkGroups(groups, width);
	const rng = createRng(options.seed ?? 0);
	const { x, truth, weights, rows } = sampleRows(options, rng);
	const run = async (input: Float32Array) => {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'Permutation importance was cancelled.');
		return score(metric, truth, await predict(input.slice(), rows), outputs, weights);
	};
	const baseline = await run(x);
	const sign = HIGHER_IS_BETTER[metric] ? 1 : -1;
	const total = groups.length * repeats;
	const work = x.slice();
	const order = Int32Array.from({ length: rows }, (_, i) => i);
	const columns: ColumnImportance[] = [];
	for (const [g, group] of groups.entries()) {
		const drops: number[] = [];
		for (let r = 0; r < repeats; r++) {
			shuffleInPlace(order, rng);
			for (let i = 0; i < rows; i++) for (const j of group.indices) work[i * width + j] = x[order[i] * width + j];
			drops.push(sign * (baseline - (await run(work))));
			options.onProgress?.(g * repeats + r + 1, total);
		}
		for (let i = 0; i < rows; i++) for (const j of group.indices) work[i * width + j] = x[i * width + j];
		const mean = drops.reduce((a, b) => a + b, 0) / repeats;
		const std = Math.sqrt(drops.reduce((s, d) => s + (d - mean) ** 2, 0) / repeats);
		columns.push({ name: group.name, mean, std, drops });
	}
	columns.sort((a, b) => b.mean - a.mean);
	return { metric, higherIsBetter: HIGHER_IS_BETTER[metric], baseline, rows, repeats, columns };
}

function sampleRows(options: PermutationOptions, rng: () => number): { x: Float32Array; truth: ArrayLike<number>; weights?: ArrayLike<number>; rows: number } {
	const { x, truth, weights, rows, width } = options;
	if (x.length !== rows * width) throw new KilnError('ValidationError', `Expected ${rows} rows × ${width} inputs (${rows * width} numbers) but got ${x.length}.`);
	if (truth.length !== rows) throw new KilnError('ValidationError', `Expected one true value per row (${rows}) but got ${truth.length}.`);
	if (rows < 2) throw new KilnError('ValidationError', 'Permutation importance needs at least two rows to shuffle.');
	const maxRows = options.maxRows ?? 10_000;
	if (rows <= maxRows) return { x, truth, weights, rows };
	const picked = shuffleInPlace(Int32Array.from({ length: rows }, (_, i) => i), rng).subarray(0, maxRows).sort();
	const xs = new Float32Array(maxRows * width);
	picked.forEach((row, i) => xs.set(x.subarray(row * width, (row + 1) * width), i * width));
	return {
		x: xs,
		truth: Float64Array.from(picked, (row) => truth[row]),
		weights: weights ? Float64Array.from(picked, (row) => weights[row]) : undefined,
		rows: maxRows
	};
}
