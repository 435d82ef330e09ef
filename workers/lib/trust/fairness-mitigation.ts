import { KilnError } from '$shared/errors';
import type { FairnessObjective, ThresholdResult, TradeoffPoint } from './types';

export interface ReweighingResult {
	/** One weight per row, for a weighted training loss. */
	weights: Float32Array;
	table: { group: string; label: number; count: number; weight: number }[];
}

/**
 * Reweighing (Kamiran & Calders 2012, "Data preprocessing techniques for classification without
 * discrimination", §4.2): w(g, y) = P(g)·P(y) / P(g, y) = n_g·n_y / (N·n_{g,y}). Under these weights
 * group and label are independent, so every group has the same weighted positive rate. Rows whose
 * (group, label) cell is empty cannot occur; cells that exist always get a finite weight.
 */
export function reweighing(labels: ArrayLike<number>, groups: ArrayLike<string>): ReweighingResult {
	const n = labels.length;
	if (groups.length !== n) throw new KilnError('ValidationError', `There are ${groups.length} group labels for ${n} rows.`);
	if (n === 0) throw new KilnError('ValidationError', 'Reweighing needs at least one row.');
	const byGroup = new Map<string, number>();
	const byLabel = new Map<number, number>();
	const byCell = new Map<string, { group: string; label: number; count: number }>();
	for (let i = 0; i < n; i++) {
		const g = groups[i];
		const y = labels[i];
		byGroup.set(g, (byGroup.get(g) ?? 0) + 1);
		byLabel.set(y, (byLabel.get(y) ?? 0) + 1);
		const key = JSON.stringify([g, y]);
		const cell = byCell.get(key) ?? { group: g, label: y, count: 0 };
		cell.count++;
		byCell.set(key, cell);
	}
	const weightOf = (g: string, y: number, count: number) => (byGroup.get(g)! * byLabel.get(y)!) / (n * count);
	const weights = new Float32Array(n);
	for (let i = 0; i < n; i++) weights[i] = weightOf(groups[i], labels[i], byCell.get(JSON.stringify([groups[i], labels[i]]))!.count);
	const table = [...byCell.values()]
		.map((c) => ({ ...c, weight: weightOf(c.group, c.label, c.count) }))
		.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.label - b.label));
	return { weights, table };
}

interface Candidate {
	threshold: number;
	tp: number;
	fp: number;
	positives: number;
	negatives: number;
	count: number;
}

/** Up to `grid` thresholds per group at score quantiles, each with its confusion counts. */
function candidates(truth: ArrayLike<number>, scores: ArrayLike<number>, rows: number[], grid: number, base: number): Candidate[] {
	const sorted = rows.map((i) => scores[i]).sort((a, b) => a - b);
	// Just above the largest score: "nobody in this group is positive", kept finite so it survives JSON.
	const top = sorted[sorted.length - 1];
	const picks = new Set<number>([base, top + Math.max(1e-12, Math.abs(top) * 1e-9)]);
	for (let k = 0; k < grid; k++) picks.add(sorted[Math.floor((k * sorted.length) / grid)]);
	const positives = rows.filter((i) => truth[i] === 1).length;
	return [...picks]
		.sort((a, b) => a - b)
		.map((threshold) => {
			let tp = 0;
			let fp = 0;
			for (const i of rows) if (scores[i] >= threshold) truth[i] === 1 ? tp++ : fp++;
			return { threshold, tp, fp, positives, negatives: rows.length - positives, count: rows.length };
		});
}

function evaluate(chosen: Candidate[], total: number, objective: FairnessObjective): { accuracy: number; disparity: number } {
	let correct = 0;
	const sel: number[] = [];
	const tpr: number[] = [];
	const fpr: number[] = [];
	for (const c of chosen) {
		correct += c.tp + (c.negatives - c.fp);
		sel.push((c.tp + c.fp) / c.count);
		if (c.positives > 0) tpr.push(c.tp / c.positives);
		if (c.negatives > 0) fpr.push(c.fp / c.negatives);
	}
	const gap = (v: number[]) => (v.length > 1 ? Math.max(...v) - Math.min(...v) : 0);
	const disparity = objective === 'demographic_parity' ? gap(sel) : Math.max(gap(tpr), gap(fpr));
	return { accuracy: correct / total, disparity };
}

/** Points no other point beats on both accuracy and disparity, best accuracy first. */
function paretoFront(points: TradeoffPoint[]): TradeoffPoint[] {
	const sorted = [...points].sort((a, b) => b.accuracy - a.accuracy || a.disparity - b.disparity);
	const front: TradeoffPoint[] = [];
	for (const p of sorted) if (front.length === 0 || p.disparity < front.at(-1)!.disparity - 1e-12) front.push(p);
	return front;
}

export interface ThresholdInput {
	/** 1 = truly positive, 0 = negative. */
	truth: ArrayLike<number>;
	/** Score of the positive class per row (higher = more likely positive). */
	scores: ArrayLike<number>;
	groups: ArrayLike<string>;
	objective?: FairnessObjective;
	/** Largest accuracy drop accepted below the single-threshold accuracy (default 0.05). */
	maxAccuracyLoss?: number;
	/** The single threshold the model uses now (default 0.5). */
	baseThreshold?: number;
	/** Candidate thresholds per group (default 40). */
	grid?: number;
}

/**
 * Per-group decision thresholds that reduce the equalised-odds (or demographic-parity) difference
 * at a bounded loss of accuracy. Deterministic thresholds, unlike Fairlearn's ThresholdOptimizer,
 * which randomises between two thresholds per group to reach points of the ROC convex hull.
 *
 * With few groups every combination of candidate thresholds is scored, which gives the exact
 * accuracy–disparity Pareto front on the grid; with many, coordinate descent on
 * error + λ·disparity for a ladder of λ traces it. The chosen thresholds are the front's point
 * of least disparity whose accuracy is within `maxAccuracyLoss` of the single threshold's.
 */
export function groupThresholds(input: ThresholdInput): ThresholdResult {
	const { truth, scores, groups } = input;
	const objective = input.objective ?? 'equalized_odds';
	const base = input.baseThreshold ?? 0.5;
	const maxLoss = input.maxAccuracyLoss ?? 0.05;
	const n = truth.length;
	if (scores.length !== n || groups.length !== n) throw new KilnError('ValidationError', `truth, scores and groups must have one entry per row (${n}, ${scores.length}, ${groups.length}).`);
	if (n === 0) throw new KilnError('ValidationError', 'Threshold post-processing needs at least one row.');
	for (let i = 0; i < n; i++) if (!Number.isFinite(scores[i])) throw new KilnError('ValidationError', `Row ${i} has score ${scores[i]}; scores must be finite numbers.`);
	const rowsByGroup = new Map<string, number[]>();
	for (let i = 0; i < n; i++) {
		const rows = rowsByGroup.get(groups[i]);
		if (rows) rows.push(i);
		else rowsByGroup.set(groups[i], [i]);
	}
	const names = [...rowsByGroup.keys()].sort();
	const options = names.map((g) => candidates(truth, scores, rowsByGroup.get(g)!, input.grid ?? 40, base));
	const baseIndex = options.map((list) => list.findIndex((c) => c.threshold === base));
	const point = (index: number[]): TradeoffPoint => ({
		...evaluate(index.map((k, g) => options[g][k]), n, objective),
		thresholds: Object.fromEntries(index.map((k, g) => [names[g], options[g][k].threshold]))
	});

	const points: TradeoffPoint[] = [point(baseIndex)];
	const combinations = options.reduce((p, list) => p * list.length, 1);
	if (combinations <= 200_000) {
		const index = options.map(() => 0);
		for (let done = false; !done; ) {
			points.push(point(index));
			done = true;
			for (let g = 0; g < index.length; g++) {
				if (++index[g] < options[g].length) {
					done = false;
					break;
				}
				index[g] = 0;
			}
		}
	} else {
		for (const lambda of [0, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 64, 1000]) {
			const index = [...baseIndex];
			const cost = (p: TradeoffPoint) => 1 - p.accuracy + lambda * p.disparity;
			let best = cost(point(index));
			for (let sweep = 0, improved = true; sweep < 50 && improved; sweep++) {
				improved = false;
				for (let g = 0; g < index.length; g++) {
					for (let k = 0; k < options[g].length; k++) {
						const old = index[g];
						index[g] = k;
						const c = cost(point(index));
						if (c < best - 1e-12) {
							best = c;
							improved = true;
						} else index[g] = old;
					}
				}
				points.push(point(index));
			}
		}
	}
	const curve = paretoFront(points);
	const before = points[0];
	const acceptable = curve.filter((p) => p.accuracy >= before.accuracy - maxLoss - 1e-12);
	const chosen = acceptable.reduce((best, p) => (p.disparity < best.disparity ? p : best), before);
	return {
		objective,
		thresholds: chosen.thresholds,
		before: { accuracy: before.accuracy, disparity: before.disparity, threshold: base },
		after: { accuracy: chosen.accuracy, disparity: chosen.disparity },
		curve
	};
}

/** 0/1 decisions with each row's group threshold (a group without one uses `fallback`). */
export function applyGroupThresholds(scores: ArrayLike<number>, groups: ArrayLike<string>, thresholds: Record<string, number>, fallback = 0.5): Uint8Array {
	return Uint8Array.from({ length: scores.length }, (_, i) => (scores[i] >= (thresholds[groups[i]] ?? fallback) ? 1 : 0));
}
