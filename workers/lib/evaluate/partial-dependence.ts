import { KilnError } from '$shared/errors';
import { createRng, shuffleInPlace } from '$workers/lib/random';
import { checkGroups, type FeatureGroup } from './groups';
import type { ExplainData } from './permutation';

export interface PartialDependenceOptions extends ExplainData {
	/** The column to vary: a numeric input or a one-hot block (see featureGroups). */
	feature: FeatureGroup;
	/** Outputs per row the model returns (classes, or 1). */
	outputs: number;
	/** Numeric grid points (default 20); fewer when the column has fewer distinct values. */
	gridSize?: number;
	/** The numeric grid spans these quantiles of the column (default 5 % to 95 %, as scikit-learn). */
	quantiles?: [number, number];
	/** Individual conditional expectation curves for this many seeded rows (default 0). */
	iceRows?: number;
	/** Average over a seeded sample of at most this many rows (default 1,000). */
	maxRows?: number;
	seed?: number;
	signal?: AbortSignal;
}

export interface PartialDependence {
	name: string;
	kind: 'numeric' | 'categorical';
	/** Numeric: grid in original units (encoded units without mean/std); categorical: the categories. */
	grid: (number | string)[];
	/** Numeric grid in encoded units, as the model saw it. */
	encodedGrid: number[];
	outputs: number;
	/** average[g][o]: mean model output o with every row's feature set to grid point g. */
	average: number[][];
	/** Rows (indices into the evaluated rows) of the ICE curves and their outputs: ice[row][g][o]. */
	iceRows: number[];
	ice: number[][][];
	rows: number;
}

/** Friedman's partial dependence, optionally with ICE curves, for any model. */
export async function partialDependence(options: PartialDependenceOptions): Promise<PartialDependence> {
	const { x, rows, width, feature, outputs, predict } = options;
	if (x.length !== rows * width) throw new KilnError('ValidationError', `Expected ${rows} rows × ${width} inputs (${rows * width} numbers) but got ${x.length}.`);
	if (rows < 1) throw new KilnError('ValidationError', 'Partial dependence needs at least one row.');
	checkGroups([feature], width);
	const rng = createRng(options.seed ?? 0);
	const order = shuffleInPlace(Int32Array.from({ length: rows }, (_, i) => i), rng);
	const used = order.subarray(0, Math.min(rows, options.maxRows ?? 1000)).slice().sort();
	const n = used.length;
	const base = new Float32Array(n * width);
	used.forEach((row, i) => base.set(x.subarray(row * width, (row + 1) * width), i * width));
	const iceCount = Math.min(options.iceRows ?? 0, n);

	const settings: number[][] = [];
	let grid: (number | string)[];
	let encodedGrid: number[] = [];
	if (feature.kind === 'numeric') {
		if (feature.indices.length !== 1) throw new KilnError('ValidationError', `Numeric column "${feature.name}" must map to exactly one input.`);
		const column = Float64Array.from({ length: rows }, (_, i) => x[i * width + feature.indices[0]]);
		encodedGrid = quantileGrid(column, options.gridSize ?? 20, options.quantiles ?? [0.05, 0.95]);
		encodedGrid.forEach((v) => settings.push([v]));
		grid = encodedGrid.map((v) => (feature.std !== undefined && feature.mean !== undefined ? v * feature.std + feature.mean : v));
	} else {
		grid = feature.indices.map((_, i) => feature.categories?.[i] ?? String(i));
		feature.indices.forEach((_, slot) => settings.push(feature.indices.map((__, j) => (j === slot ? 1 : 0))));
	}

	const average: number[][] = [];
	const ice: number[][][] = Array.from({ length: iceCount }, () => []);
	const work = base.slice();
	for (const setting of settings) {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'Partial dependence was cancelled.');
		for (let i = 0; i < n; i++) feature.indices.forEach((j, s) => (work[i * width + j] = setting[s]));
		const out = await predict(work.slice(), n);
		if (out.length !== n * outputs) throw new KilnError('ValidationError', `The model returned ${out.length} numbers for ${n} rows; expected ${n * outputs}.`);
		const mean = new Array<number>(outputs).fill(0);
		for (let i = 0; i < n; i++) for (let o = 0; o < outputs; o++) mean[o] += out[i * outputs + o] / n;
		average.push(mean);
		for (let r = 0; r < iceCount; r++) ice[r].push(Array.from(out.subarray(r * outputs, (r + 1) * outputs)));
	}
	return {
		name: feature.name,
		kind: feature.kind,
		grid,
		encodedGrid,
		outputs,
		average,
		iceRows: Array.from(used.subarray(0, iceCount)),
		ice,
		rows: n
	};
}

/**
 * Evenly spaced quantiles between the two given ones, de-duplicated; a column with no more
 * distinct values than grid points uses those values (scikit-learn does the same).
 */
export function quantileGrid(values: ArrayLike<number>, size: number, [low, high]: [number, number]): number[] {
	if (!Number.isInteger(size) || size < 2) throw new KilnError('ValidationError', `The grid needs at least 2 points; got ${size}.`);
	if (!(low >= 0 && high <= 1 && low < high)) throw new KilnError('ValidationError', `Quantiles must satisfy 0 ≤ low < high ≤ 1; got ${low} and ${high}.`);
	const sorted = Float64Array.from(values).sort();
	const distinct = [...new Set(sorted)];
	if (distinct.length <= size) return distinct;
	const at = (q: number) => {
		// linear interpolation between order statistics (numpy's default percentile)
		const pos = q * (sorted.length - 1);
		const lo = Math.floor(pos);
		const hi = Math.min(lo + 1, sorted.length - 1);
		return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
	};
	const grid = Array.from({ length: size }, (_, i) => at(low + ((high - low) * i) / (size - 1)));
	return [...new Set(grid)];
}
