import { createRng } from '$workers/lib/random';
import type { Histogram, RegressionInput, RegressionPoints, RegressionReport } from './types';
import { checkRegression } from './validate';

export interface RegressionOptions {
	/** Points kept for the residual and predicted-vs-actual plots (default 500). */
	maxPoints?: number;
	/** Residual histogram bins; by default √n clamped to 5…30. */
	histogramBins?: number;
	seed?: number;
}

/** Every regression figure Kiln shows. residual = actual − predicted. */
export function regressionReport(input: RegressionInput, options: RegressionOptions = {}): RegressionReport {
	checkRegression(input);
	const { truth, predicted, weights } = input;
	const n = truth.length;
	const w = (i: number) => (weights ? weights[i] : 1);
	let total = 0;
	let truthSum = 0;
	for (let i = 0; i < n; i++) {
		total += w(i);
		truthSum += w(i) * truth[i];
	}
	const truthMean = truthSum / total;
	let se = 0;
	let ae = 0;
	let ss = 0;
	let bias = 0;
	let maxError = 0;
	let apeSum = 0;
	let apeWeight = 0;
	let mapeSkipped = 0;
	const absolute = new Float64Array(n);
	const residual = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const e = truth[i] - predicted[i];
		residual[i] = e;
		absolute[i] = Math.abs(e);
		se += w(i) * e * e;
		ae += w(i) * absolute[i];
		bias += w(i) * e;
		ss += w(i) * (truth[i] - truthMean) ** 2;
		maxError = Math.max(maxError, absolute[i]);
		if (truth[i] === 0) mapeSkipped++;
		else {
			apeSum += (w(i) * absolute[i]) / Math.abs(truth[i]);
			apeWeight += w(i);
		}
	}
	return {
		task: 'regression',
		rows: n,
		rmse: Math.sqrt(se / total),
		mae: ae / total,
		mape: apeWeight > 0 ? apeSum / apeWeight : null,
		mapeSkipped,
		r2: r2FromSums(se, ss),
		medianAbsoluteError: weightedMedian(absolute, weights),
		maxError,
		meanResidual: bias / total,
		points: plotPoints(input, residual, absolute, options.maxPoints ?? 500, options.seed ?? 0),
		residualHistogram: histogram(residual, options.histogramBins ?? Math.min(30, Math.max(5, Math.ceil(Math.sqrt(n)))))
	};
}

/** scikit-learn's r2_score with force_finite=True: a constant truth scores 1 if predicted exactly, else 0. */
export function r2FromSums(residualSquares: number, totalSquares: number): number {
	if (totalSquares === 0) return residualSquares === 0 ? 1 : 0;
	return 1 - residualSquares / totalSquares;
}

/**
 * Median, or with weights the smallest value whose cumulative weight reaches half the total
 * (scikit-learn's _weighted_percentile).
 */
export function weightedMedian(values: ArrayLike<number>, weights?: ArrayLike<number>): number {
	const order = Int32Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
	if (!weights) {
		const m = values.length >> 1;
		return values.length % 2 === 1 ? values[order[m]] : (values[order[m - 1]] + values[order[m]]) / 2;
	}
	let total = 0;
	for (let i = 0; i < weights.length; i++) total += weights[i];
	let cumulative = 0;
	for (const i of order) {
		cumulative += weights[i];
		if (cumulative >= total / 2) return values[i];
	}
	return values[order[order.length - 1]];
}

/** The largest errors are always plotted (they are what a person looks for); the rest is a seeded sample. */
function plotPoints(input: RegressionInput, residual: Float64Array, absolute: Float64Array, maxPoints: number, seed: number): RegressionPoints {
	const n = residual.length;
	let chosen: number[];
	if (n <= maxPoints) chosen = Array.from({ length: n }, (_, i) => i);
	else {
		const byError = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => absolute[b] - absolute[a] || a - b);
		const extremes = Math.min(Math.ceil(maxPoints / 10), maxPoints);
		chosen = Array.from(byError.subarray(0, extremes));
		const rest = Array.from(byError.subarray(extremes));
		const rng = createRng(seed);
		for (let i = 0; i < maxPoints - extremes; i++) {
			const j = i + Math.floor(rng() * (rest.length - i));
			[rest[i], rest[j]] = [rest[j], rest[i]];
			chosen.push(rest[i]);
		}
		chosen.sort((a, b) => a - b);
	}
	return {
		indices: chosen,
		actual: chosen.map((i) => input.truth[i]),
		predicted: chosen.map((i) => input.predicted[i]),
		residual: chosen.map((i) => residual[i])
	};
}

/** Uniform bins from the smallest to the largest value; the last bin includes its upper edge. */
export function histogram(values: ArrayLike<number>, bins: number): Histogram {
	let min = Infinity;
	let max = -Infinity;
	for (let i = 0; i < values.length; i++) {
		min = Math.min(min, values[i]);
		max = Math.max(max, values[i]);
	}
	if (min === max) {
		min -= 0.5;
		max += 0.5;
	}
	const width = (max - min) / bins;
	const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width));
	const counts = new Array<number>(bins).fill(0);
	for (let i = 0; i < values.length; i++) counts[Math.min(bins - 1, Math.floor((values[i] - min) / width))]++;
	return { edges, counts };
}
