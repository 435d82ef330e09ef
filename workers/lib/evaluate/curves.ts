import type { PrCurve, RocCurve } from './types';

/** Curves are stored with every run; 200 points draw smoothly and keep a report small. */
export const MAX_CURVE_POINTS = 200;

/**
 * Weighted true and false positives above each distinct score, scores descending — scikit-learn's
 * `_binary_clf_curve`. Rows with equal scores enter together, which is what makes the ROC area
 * count a tie as half a win (the Mann–Whitney convention).
 */
export interface BinaryCounts {
	thresholds: Float64Array;
	tps: Float64Array;
	fps: Float64Array;
	positives: number;
	negatives: number;
}

export function binaryCounts(positive: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): BinaryCounts {
	const n = scores.length;
	const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
	const thresholds: number[] = [];
	const tps: number[] = [];
	const fps: number[] = [];
	let tp = 0;
	let fp = 0;
	for (let j = 0; j < n; j++) {
		const i = order[j];
		const w = weights ? weights[i] : 1;
		if (positive[i]) tp += w;
		else fp += w;
		if (j === n - 1 || scores[order[j + 1]] !== scores[i]) {
			thresholds.push(scores[i]);
			tps.push(tp);
			fps.push(fp);
		}
	}
	return { thresholds: Float64Array.from(thresholds), tps: Float64Array.from(tps), fps: Float64Array.from(fps), positives: tp, negatives: fp };
}

/** Area under the ROC curve by the trapezoid rule over every distinct threshold; null without both classes. */
export function rocAuc(counts: BinaryCounts): number | null {
	const { tps, fps, positives: p, negatives: q } = counts;
	if (p <= 0 || q <= 0) return null;
	let area = 0;
	let prevTp = 0;
	let prevFp = 0;
	for (let i = 0; i < tps.length; i++) {
		area += (fps[i] - prevFp) * (tps[i] + prevTp);
		prevTp = tps[i];
		prevFp = fps[i];
	}
	return area / (2 * p * q);
}

/** Average precision as scikit-learn defines it: Σ (Rₙ − Rₙ₋₁) Pₙ, no interpolation. */
export function averagePrecision(counts: BinaryCounts): number | null {
	const { tps, fps, positives: p } = counts;
	if (p <= 0) return null;
	let ap = 0;
	let prevRecall = 0;
	for (let i = 0; i < tps.length; i++) {
		const recall = tps[i] / p;
		ap += (recall - prevRecall) * (tps[i] / (tps[i] + fps[i]));
		prevRecall = recall;
	}
	return ap;
}

export function rocCurve(counts: BinaryCounts, maxPoints = MAX_CURVE_POINTS): RocCurve | null {
	const { tps, fps, positives: p, negatives: q, thresholds } = counts;
	if (p <= 0 || q <= 0) return null;
	// The (0, 0) corner takes a threshold above every score, as scikit-learn 1.2 writes it.
	const fpr = [0, ...Array.from(fps, (v) => v / q)];
	const tpr = [0, ...Array.from(tps, (v) => v / p)];
	const t = [(thresholds[0] ?? 0) + 1, ...thresholds];
	const keep = downsample(fpr, tpr, maxPoints);
	return { fpr: keep.map((i) => fpr[i]), tpr: keep.map((i) => tpr[i]), thresholds: keep.map((i) => t[i]) };
}

/** Recall ascending from the (0, 1) point scikit-learn appends. */
export function prCurve(counts: BinaryCounts, maxPoints = MAX_CURVE_POINTS): PrCurve | null {
	const { tps, fps, positives: p, thresholds } = counts;
	if (p <= 0) return null;
	const recall = [0, ...Array.from(tps, (v) => v / p)];
	const precision = [1, ...Array.from(tps, (v, i) => v / (v + fps[i]))];
	const t = [(thresholds[0] ?? 0) + 1, ...thresholds];
	const keep = downsample(recall, precision, maxPoints);
	return { recall: keep.map((i) => recall[i]), precision: keep.map((i) => precision[i]), thresholds: keep.map((i) => t[i]) };
}

/**
 * Indices of at most `maxPoints` points that draw the same polyline: interior points on a
 * straight segment go first (they change nothing drawn), then points are taken at even steps
 * of arc length, so steep and flat parts keep their detail. The ends are always kept.
 */
export function downsample(xs: number[], ys: number[], maxPoints = MAX_CURVE_POINTS): number[] {
	const n = xs.length;
	if (n <= 2) return Array.from({ length: n }, (_, i) => i);
	const kept = [0];
	for (let i = 1; i < n - 1; i++) {
		const a = kept[kept.length - 1];
		const cross = (xs[i] - xs[a]) * (ys[i + 1] - ys[i]) - (ys[i] - ys[a]) * (xs[i + 1] - xs[i]);
		if (Math.abs(cross) > 1e-12) kept.push(i);
	}
	kept.push(n - 1);
	if (kept.length <= maxPoints) return kept;
	const length = [0];
	for (let j = 1; j < kept.length; j++) {
		length.push(length[j - 1] + Math.hypot(xs[kept[j]] - xs[kept[j - 1]], ys[kept[j]] - ys[kept[j - 1]]));
	}
	const total = length[length.length - 1];
	const chosen: number[] = [];
	let j = 0;
	for (let s = 0; s < maxPoints; s++) {
		const target = (total * s) / (maxPoints - 1);
		while (j < kept.length - 1 && length[j + 1] <= target) j++;
		const pick = j < kept.length - 1 && length[j + 1] - target < target - length[j] ? j + 1 : j;
		if (chosen[chosen.length - 1] !== kept[pick]) chosen.push(kept[pick]);
	}
	if (chosen[chosen.length - 1] !== n - 1) chosen[chosen.length - 1] = n - 1;
	return chosen;
}
