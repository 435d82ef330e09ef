/**
 * Group fairness metrics for a binary decision (label 1 = the positive, favourable outcome).
 *
 * Definitions follow Fairlearn (fairlearn.metrics):
 * - selection_rate: share of rows predicted positive.
 * - true_positive_rate / false_positive_rate: recall on the truly positive / truly negative rows.
 * - demographic_parity_difference (method 'between_groups'): max − min selection rate over groups;
 *   demographic_parity_ratio: min / max.
 * - equalized_odds_difference (agg 'worst_case'): the larger of the between-groups TPR and FPR
 *   differences; equalized_odds_ratio: the smaller of the TPR and FPR ratios.
 * A group whose rate is undefined (e.g. no truly positive rows, so no TPR) is left out of that rate's
 * comparison rather than poisoning it with NaN. Several sensitive columns give intersectional
 * groups, as Fairlearn's MetricFrame does with several sensitive features.
 */
import { KilnError } from '$shared/errors';
import type { Disparities, FairnessAudit, FairnessReport, GroupMetrics, Rate, SensitiveColumn } from './types';

const Z95 = 1.959963984540054;
export const MISSING_GROUP = '(missing)';

/** Wilson score interval (Wilson 1927): stays inside [0, 1] and behaves for small n and extreme rates. */
export function wilson(successes: number, n: number, z = Z95): Rate {
	if (n === 0) return { value: NaN, low: NaN, high: NaN, n };
	const p = successes / n;
	const z2 = z * z;
	const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
	const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
	return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), n };
}

interface Counts {
	tp: number;
	fp: number;
	fn: number;
	tn: number;
}

function metricsFrom(group: string, values: Record<string, string>, c: Counts, small: boolean): GroupMetrics {
	const count = c.tp + c.fp + c.fn + c.tn;
	return {
		group,
		values,
		count,
		small,
		selectionRate: wilson(c.tp + c.fp, count),
		truePositiveRate: wilson(c.tp, c.tp + c.fn),
		falsePositiveRate: wilson(c.fp, c.fp + c.tn),
		precision: wilson(c.tp, c.tp + c.fp),
		errorRate: wilson(c.fp + c.fn, count)
	};
}

function spread(rates: number[]): { difference: number; ratio: number } {
	const defined = rates.filter((r) => !Number.isNaN(r));
	if (defined.length < 2) return { difference: NaN, ratio: NaN };
	const max = Math.max(...defined);
	const min = Math.min(...defined);
	return { difference: max - min, ratio: max > 0 ? min / max : 1 };
}

export function disparities(groups: GroupMetrics[]): Disparities {
	const compared = groups.filter((g) => !g.small);
	const dp = spread(compared.map((g) => g.selectionRate.value));
	const tpr = spread(compared.map((g) => g.truePositiveRate.value));
	const fpr = spread(compared.map((g) => g.falsePositiveRate.value));
	return {
		demographicParityDifference: dp.difference,
		demographicParityRatio: dp.ratio,
		equalizedOddsDifference: Math.max(tpr.difference, fpr.difference),
		equalizedOddsRatio: Math.min(tpr.ratio, fpr.ratio),
		truePositiveRateDifference: tpr.difference,
		falsePositiveRateDifference: fpr.difference,
		compared: compared.map((g) => g.group)
	};
}

function checkBinary(values: ArrayLike<number>, what: string): void {
	for (let i = 0; i < values.length; i++) {
		if (values[i] !== 0 && values[i] !== 1) throw new KilnError('ValidationError', `Row ${i} of the ${what} is ${values[i]}; fairness metrics need 0 (negative) or 1 (positive).`);
	}
}

const label = (value: string | null) => (value === null || value === '' ? MISSING_GROUP : value);

/** Per-row group keys for one or more sensitive columns; an intersection joins the values with " · ". */
export function groupKeys(columns: SensitiveColumn[]): string[] {
	const rows = columns[0]?.values.length ?? 0;
	return Array.from({ length: rows }, (_, i) => columns.map((c) => label(c.values[i])).join(' · '));
}

/** Metrics per group (and overall) for one grouping of the rows. */
export function fairnessReport(truth: ArrayLike<number>, predicted: ArrayLike<number>, columns: SensitiveColumn[], minGroupSize = 20): FairnessReport {
	const keys = groupKeys(columns);
	const counts = new Map<string, { values: Record<string, string>; c: Counts }>();
	const total: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
	keys.forEach((key, i) => {
		let entry = counts.get(key);
		if (!entry) {
			entry = { values: Object.fromEntries(columns.map((c) => [c.name, label(c.values[i])])), c: { tp: 0, fp: 0, fn: 0, tn: 0 } };
			counts.set(key, entry);
		}
		const cell = truth[i] === 1 ? (predicted[i] === 1 ? 'tp' : 'fn') : predicted[i] === 1 ? 'fp' : 'tn';
		entry.c[cell]++;
		total[cell]++;
	});
	const groups = [...counts.entries()]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([key, { values, c }]) => metricsFrom(key, values, c, c.tp + c.fp + c.fn + c.tn < minGroupSize));
	return { columns: columns.map((c) => c.name), groups, overall: metricsFrom('all', {}, total, false), disparities: disparities(groups) };
}

export interface AuditInput {
	/** 1 = truly positive, 0 = negative. */
	truth: ArrayLike<number>;
	/** Predicted labels (0/1); or give scores and a threshold. */
	predicted?: ArrayLike<number>;
	/** Scores for the positive class; predicted positive when score ≥ threshold. */
	scores?: ArrayLike<number>;
	threshold?: number;
	sensitive: SensitiveColumn[];
	/** Groups with fewer rows are listed but not compared (default 20). */
	minGroupSize?: number;
}

/** Thresholded scores as 0/1 predictions. */
export function applyThreshold(scores: ArrayLike<number>, threshold: number): Uint8Array {
	return Uint8Array.from({ length: scores.length }, (_, i) => (scores[i] >= threshold ? 1 : 0));
}

/** A fairness audit: each sensitive column on its own and, with several, their intersections. */
export function auditFairness(input: AuditInput): FairnessAudit {
	const { truth, sensitive } = input;
	const minGroupSize = input.minGroupSize ?? 20;
	if (sensitive.length === 0) throw new KilnError('ValidationError', 'Choose at least one sensitive column to audit.');
	if (!input.predicted && !input.scores) throw new KilnError('ValidationError', 'Give predicted labels, or scores and a threshold.');
	const predicted = input.predicted ?? applyThreshold(input.scores!, input.threshold ?? 0.5);
	for (const column of sensitive) {
		if (column.values.length !== truth.length) throw new KilnError('ValidationError', `The sensitive column "${column.name}" has ${column.values.length} rows but there are ${truth.length} labels.`);
	}
	if (predicted.length !== truth.length) throw new KilnError('ValidationError', `There are ${predicted.length} predictions for ${truth.length} labels.`);
	checkBinary(truth, 'true labels');
	checkBinary(predicted, 'predictions');
	return {
		perColumn: sensitive.map((column) => fairnessReport(truth, predicted, [column], minGroupSize)),
		intersectional: sensitive.length > 1 ? fairnessReport(truth, predicted, sensitive, minGroupSize) : null,
		minGroupSize
	};
}
