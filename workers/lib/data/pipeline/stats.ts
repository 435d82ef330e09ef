/**
 * Statistics over the training rows of a column. Variance uses Welford's update: the textbook
 * sumSq/n − mean² cancels catastrophically when values sit far from zero (1e9 + noise loses
 * every digit of the noise in float64); Welford keeps the deviation small at every step.
 */
export interface Moments {
	n: number;
	mean: number;
	/** Population variance (divides by n), as scikit-learn's StandardScaler. */
	variance: number;
	min: number;
	max: number;
}

export function moments(values: Float64Array, rows: ArrayLike<number>): Moments {
	let n = 0;
	let mean = 0;
	let m2 = 0;
	let min = Infinity;
	let max = -Infinity;
	for (let i = 0; i < rows.length; i++) {
		const v = values[rows[i]];
		if (Number.isNaN(v)) continue;
		n++;
		const delta = v - mean;
		mean += delta / n;
		m2 += delta * (v - mean);
		if (v < min) min = v;
		if (v > max) max = v;
	}
	return n === 0 ? { n, mean: 0, variance: 0, min: 0, max: 0 } : { n, mean, variance: m2 / n, min, max };
}

/** Below this variance a column is constant: scaling by 1 keeps it at zero instead of dividing by ~0. */
export const CONSTANT_VARIANCE = 1e-12;

export function standardDeviation(m: Moments): number {
	return m.variance > CONSTANT_VARIANCE ? Math.sqrt(m.variance) : 1;
}

/** The present values among `rows`, sorted ascending. */
export function sortedValues(values: Float64Array, rows: ArrayLike<number>): Float64Array {
	const out = new Float64Array(rows.length);
	let n = 0;
	for (let i = 0; i < rows.length; i++) {
		const v = values[rows[i]];
		if (!Number.isNaN(v)) out[n++] = v;
	}
	return out.subarray(0, n).sort();
}

/** Quantile q ∈ [0, 1] by linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: Float64Array, q: number): number {
	if (sorted.length === 0) return NaN;
	const position = q * (sorted.length - 1);
	const below = Math.floor(position);
	const above = Math.min(below + 1, sorted.length - 1);
	return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** The most frequent present value; ties go to the smallest. NaN when nothing is present. */
export function numericMode(values: Float64Array, rows: ArrayLike<number>): number {
	const counts = new Map<number, number>();
	for (let i = 0; i < rows.length; i++) {
		const v = values[rows[i]];
		if (!Number.isNaN(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
	}
	let best = NaN;
	let bestCount = 0;
	for (const [v, count] of counts) {
		if (count > bestCount || (count === bestCount && v < best)) {
			best = v;
			bestCount = count;
		}
	}
	return best;
}

/** Count of each category code among `rows` (missing cells skipped). */
export function categoryCounts(codes: Int32Array, categories: number, rows: ArrayLike<number>): number[] {
	const counts = new Array<number>(categories).fill(0);
	for (let i = 0; i < rows.length; i++) {
		const code = codes[rows[i]];
		if (code >= 0) counts[code]++;
	}
	return counts;
}

/** Codes by descending count, ties by code order (first seen first); unused codes left out. */
export function codesByFrequency(counts: number[]): number[] {
	return counts
		.map((count, code) => ({ count, code }))
		.filter((c) => c.count > 0)
		.sort((a, b) => b.count - a.count || a.code - b.code)
		.map((c) => c.code);
}
