import { createRng } from '$workers/lib/random';

export const MAX_BINS = 255;
/** Thresholds are learned from at most this many rows (the rest only get binned). */
const BINNING_SAMPLE = 200_000;

/**
 * Features cut into ≤ 255 bins each, stored column-major ([feature × rows]) so a histogram pass over
 * one feature reads one contiguous column. A value v falls in the first bin b with v <= thresholds[b]
 * (the last bin takes everything above), so a split "bin <= b" is the raw test "v <= thresholds[b]".
 * Missing values get their own bin after every real one, binCounts[f] (≤ 255), as in
 * scikit-learn's HistGradientBoosting, so histograms can be packed per feature.
 */
export interface BinnedData {
	bins: Uint8Array;
	rows: number;
	features: number;
	thresholds: Float64Array[];
	/** Real (non-missing) bins per feature: thresholds[f].length + 1; also the feature's missing bin. */
	binCounts: Int32Array;
	hasMissing: Uint8Array;
}

/**
 * Bin edges per feature. A feature with at most maxBins distinct values gets one bin per value
 * (edges at midpoints, so splits are exact); otherwise edges sit at quantiles.
 */
export function fitBinEdges(x: Float32Array, n: number, d: number, maxBins: number, seed: number): Float64Array[] {
	const sample = sampleRows(n, seed);
	const m = sample ? sample.length : n;
	const column = new Float64Array(m);
	const edges: Float64Array[] = [];
	for (let f = 0; f < d; f++) {
		let count = 0;
		for (let i = 0; i < m; i++) {
			const v = x[(sample ? sample[i] : i) * d + f];
			if (!Number.isNaN(v)) column[count++] = v;
		}
		const sorted = column.subarray(0, count).sort();
		edges.push(edgesOfSorted(sorted, maxBins));
	}
	return edges;
}

function sampleRows(n: number, seed: number): Int32Array | null {
	if (n <= BINNING_SAMPLE) return null;
	const rng = createRng(seed ^ 0xb1b1);
	// Partial Fisher–Yates; sorted afterwards so the reads stay sequential.
	const all = new Int32Array(n);
	for (let i = 0; i < n; i++) all[i] = i;
	for (let i = 0; i < BINNING_SAMPLE; i++) {
		const j = i + Math.floor(rng() * (n - i));
		const t = all[i];
		all[i] = all[j];
		all[j] = t;
	}
	return all.subarray(0, BINNING_SAMPLE).sort();
}

function edgesOfSorted(sorted: Float64Array, maxBins: number): Float64Array {
	const distinct: number[] = [];
	for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
	if (distinct.length <= maxBins) {
		const out = new Float64Array(Math.max(distinct.length - 1, 0));
		for (let i = 0; i < out.length; i++) out[i] = (distinct[i] + distinct[i + 1]) / 2;
		return out;
	}
	// Quantiles with midpoint interpolation, then de-duplicated (heavy ties merge bins).
	const edges: number[] = [];
	const last = sorted.length - 1;
	for (let b = 1; b < maxBins; b++) {
		const pos = (b / maxBins) * last;
		const lo = Math.floor(pos);
		const hi = Math.ceil(pos);
		const e = (sorted[lo] + sorted[hi]) / 2;
		if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
	}
	// The top edge must stay below the maximum, or the last bin would be empty.
	while (edges.length > 0 && edges[edges.length - 1] >= sorted[last]) edges.pop();
	return Float64Array.from(edges);
}

/** Index of the first edge >= v (edges.length when v is above all of them). */
export function binOf(edges: Float64Array, v: number): number {
	let lo = 0;
	let hi = edges.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (edges[mid] < v) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

export function applyBins(x: Float32Array, n: number, d: number, thresholds: Float64Array[]): BinnedData {
	const bins = new Uint8Array(n * d);
	const hasMissing = new Uint8Array(d);
	const binCounts = new Int32Array(d);
	for (let f = 0; f < d; f++) {
		const edges = thresholds[f];
		binCounts[f] = edges.length + 1;
		const out = bins.subarray(f * n, (f + 1) * n);
		for (let i = 0; i < n; i++) {
			const v = x[i * d + f];
			if (Number.isNaN(v)) {
				out[i] = binCounts[f];
				hasMissing[f] = 1;
			} else out[i] = binOf(edges, v);
		}
	}
	return { bins, rows: n, features: d, thresholds, binCounts, hasMissing };
}

export function binData(x: Float32Array, n: number, d: number, maxBins: number, seed: number): BinnedData {
	return applyBins(x, n, d, fitBinEdges(x, n, d, Math.min(maxBins, MAX_BINS), seed));
}
