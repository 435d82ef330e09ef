import { KilnError } from '$shared/errors';
import { binaryCounts, type BinaryCounts } from './curves';
import type { ClassificationInput, ErrorCosts, ThresholdPoint, ThresholdReport } from './types';

export const DEFAULT_THRESHOLD_POINTS = 101;

/**
 * Confusion counts, precision, recall and cost for a binary score at every threshold a slider
 * needs, plus the exact cost-minimising threshold. A row is predicted positive when its score is
 * ≥ the threshold. Precision with nothing predicted positive is 1 (no false alarm was raised),
 * the endpoint convention of precision–recall curves.
 */
export function thresholdSweep(
	positive: ArrayLike<number>,
	scores: ArrayLike<number>,
	options: { costs: ErrorCosts; positiveClass: string; points?: number; weights?: ArrayLike<number> }
): ThresholdReport {
	const costs = checkCosts(options.costs);
	if (positive.length !== scores.length) throw new KilnError('ValidationError', `Expected one score per row (${positive.length}) but got ${scores.length}.`);
	for (let i = 0; i < scores.length; i++) {
		if (!Number.isFinite(scores[i])) throw new KilnError('ValidationError', `Row ${i} has score ${scores[i]}; scores must be finite numbers.`);
	}
	const counts = binaryCounts(positive, scores, options.weights);
	const steps = options.points ?? DEFAULT_THRESHOLD_POINTS;
	if (!Number.isInteger(steps) || steps < 2 || steps > 1000) throw new KilnError('ValidationError', `A threshold sweep needs 2 to 1000 points; got ${steps}.`);
	const points = Array.from({ length: steps }, (_, i) => pointAt(counts, costs, i / (steps - 1)));
	return { positiveClass: options.positiveClass, costs, points, best: bestThreshold(counts, costs), atHalf: pointAt(counts, costs, 0.5) };
}

function checkCosts(costs: ErrorCosts): Required<ErrorCosts> {
	const full = { truePositive: 0, trueNegative: 0, ...costs };
	for (const [name, value] of Object.entries(full)) {
		if (!Number.isFinite(value)) throw new KilnError('ValidationError', `The cost of a ${name.replace(/([A-Z])/g, ' $1').toLowerCase()} must be a finite number; got ${value}.`);
	}
	return full;
}

function makePoint(counts: BinaryCounts, costs: Required<ErrorCosts>, threshold: number, tp: number, fp: number): ThresholdPoint {
	const { positives: p, negatives: q } = counts;
	const fn = p - tp;
	const tn = q - fp;
	const cost = fp * costs.falsePositive + fn * costs.falseNegative + tp * costs.truePositive + tn * costs.trueNegative;
	return {
		threshold,
		tp,
		fp,
		tn,
		fn,
		precision: tp + fp > 0 ? tp / (tp + fp) : 1,
		recall: p > 0 ? tp / p : 0,
		falsePositiveRate: q > 0 ? fp / q : 0,
		cost,
		costPerRow: p + q > 0 ? cost / (p + q) : 0
	};
}

function pointAt(counts: BinaryCounts, costs: Required<ErrorCosts>, threshold: number): ThresholdPoint {
	// thresholds are descending: count those ≥ threshold.
	const t = counts.thresholds;
	let lo = 0;
	let hi = t.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (t[mid] >= threshold) lo = mid + 1;
		else hi = mid;
	}
	return lo === 0 ? makePoint(counts, costs, threshold, 0, 0) : makePoint(counts, costs, threshold, counts.tps[lo - 1], counts.fps[lo - 1]);
}

/**
 * Every threshold that changes a prediction is tried. The reported threshold sits halfway to the
 * next lower score, so new rows just below a training score are not decided by a hair. Equal
 * costs go to the threshold nearest 0.5.
 */
function bestThreshold(counts: BinaryCounts, costs: Required<ErrorCosts>): ThresholdPoint {
	const t = counts.thresholds;
	const top = t.length > 0 ? t[0] : 0.5;
	let best = makePoint(counts, costs, top < 1 ? (top + 1) / 2 : top + 1e-6, 0, 0);
	for (let j = 0; j < t.length; j++) {
		let threshold = t[j];
		if (j < t.length - 1) {
			const mid = (t[j] + t[j + 1]) / 2;
			if (mid > t[j + 1]) threshold = mid;
		}
		const candidate = makePoint(counts, costs, threshold, counts.tps[j], counts.fps[j]);
		const tolerance = 1e-12 * Math.max(1, Math.abs(best.cost));
		if (candidate.cost < best.cost - tolerance || (Math.abs(candidate.cost - best.cost) <= tolerance && Math.abs(threshold - 0.5) < Math.abs(best.threshold - 0.5))) {
			best = candidate;
		}
	}
	return best;
}

/** A two-class task's threshold sweep with either class as the positive one, so the person picks which a "hit" is. */
export function bothThresholds(input: ClassificationInput): ThresholdReport[] {
	const rows = Array.from(input.truth.keys()).filter((i) => input.truth[i] >= 0);
	return input.classes.map((positiveClass, c) =>
		thresholdSweep(
			Uint8Array.from(rows, (i) => (input.truth[i] === c ? 1 : 0)),
			Float32Array.from(rows, (i) => input.probabilities[i * 2 + c]),
			{ costs: { falsePositive: 1, falseNegative: 1 }, positiveClass }
		)
	);
}
