import type { CalibrationBin, CalibrationCurve } from './types';

export const DEFAULT_CALIBRATION_BINS = 10;

/**
 * Reliability curve over uniform bins, binned as scikit-learn's calibration_curve does
 * (`searchsorted(linspace(0, 1, B+1)[1:-1], p)`: a probability on an edge falls in the lower
 * bin), with row weights in the means. Empty bins are left out.
 */
export function calibrationCurve(
	positive: ArrayLike<number>,
	probability: ArrayLike<number>,
	options: { bins?: number; weights?: ArrayLike<number>; kind: CalibrationCurve['kind']; className: string | null }
): CalibrationCurve {
	const bins = options.bins ?? DEFAULT_CALIBRATION_BINS;
	const step = 1 / bins;
	const inner = Array.from({ length: bins - 1 }, (_, i) => (i + 1) * step);
	const sumProb = new Float64Array(bins);
	const sumTrue = new Float64Array(bins);
	const sumWeight = new Float64Array(bins);
	const count = new Int32Array(bins);
	let total = 0;
	for (let i = 0; i < probability.length; i++) {
		const p = probability[i];
		const w = options.weights ? options.weights[i] : 1;
		const b = lowerBound(inner, p);
		sumProb[b] += w * p;
		sumTrue[b] += w * (positive[i] ? 1 : 0);
		sumWeight[b] += w;
		count[b]++;
		total += w;
	}
	const out: CalibrationBin[] = [];
	let ece = 0;
	let mce = 0;
	for (let b = 0; b < bins; b++) {
		if (count[b] === 0 || sumWeight[b] <= 0) continue;
		const meanPredicted = sumProb[b] / sumWeight[b];
		const fractionPositive = sumTrue[b] / sumWeight[b];
		const gap = Math.abs(fractionPositive - meanPredicted);
		ece += (sumWeight[b] / total) * gap;
		mce = Math.max(mce, gap);
		out.push({ lower: b * step, upper: b === bins - 1 ? 1 : (b + 1) * step, meanPredicted, fractionPositive, count: count[b] });
	}
	return { kind: options.kind, className: options.className, bins: out, ece, mce };
}

/** Index of the first edge ≥ value (numpy searchsorted, side 'left'). */
function lowerBound(edges: number[], value: number): number {
	let lo = 0;
	let hi = edges.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (edges[mid] < value) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}
