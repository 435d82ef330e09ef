import { calibrationCurve, DEFAULT_CALIBRATION_BINS } from './calibration';
import { averagePrecision, binaryCounts, MAX_CURVE_POINTS, prCurve, rocAuc, rocCurve } from './curves';
import { DEFAULT_THRESHOLD_POINTS, thresholdSweep } from './threshold';
import type { AverageScores, ClassificationInput, ClassificationReport, ClassScores, ErrorCosts, OneVsRest } from './types';
import { checkClassification } from './validate';

export interface ClassificationOptions {
	calibrationBins?: number;
	/** Per-error costs for the binary threshold sweep; 1 per false positive and per false negative by default. */
	costs?: ErrorCosts;
	curvePoints?: number;
	thresholdPoints?: number;
}

/** scikit-learn clips with the epsilon of the probabilities' dtype; Kiln's are float32. */
export const LOG_LOSS_EPSILON = 2 ** -23;

/** Every classification figure Kiln shows, from true classes and predicted probabilities. */
export function classificationReport(input: ClassificationInput, options: ClassificationOptions = {}): ClassificationReport {
	const { truth, probabilities, weights, excluded } = checkClassification(input);
	const classes = input.classes;
	const k = classes.length;
	const n = truth.length;
	const w = (i: number) => (weights ? weights[i] : 1);
	const predicted = argmax(probabilities, k);

	const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
	let total = 0;
	for (let i = 0; i < n; i++) {
		counts[truth[i]][predicted[i]] += w(i);
		total += w(i);
	}
	const perClass = classScores(counts, classes);
	const present = perClass.filter((s) => s.support > 0 || s.predicted > 0);
	const withTruth = perClass.filter((s) => s.support > 0);
	const correct = counts.reduce((sum, row, c) => sum + row[c], 0);

	const oneVsRest = classes.map((className, c) => oneVsRestScores(truth, probabilities, k, c, className, weights, total, options.curvePoints));
	const binary = k === 2;
	const aucs = oneVsRest.filter((o) => o.auc !== null);
	const aucMacro = aucs.length > 0 ? mean(aucs.map((o) => o.auc!)) : null;
	const prevalenceWithAuc = aucs.reduce((s, o) => s + o.prevalence, 0);
	const aucWeighted = aucs.length > 0 ? aucs.reduce((s, o) => s + o.prevalence * o.auc!, 0) / prevalenceWithAuc : null;
	const aps = oneVsRest.filter((o) => o.averagePrecision !== null);

	const bins = options.calibrationBins ?? DEFAULT_CALIBRATION_BINS;
	const positives = (c: number) => Uint8Array.from(truth, (t) => (t === c ? 1 : 0));
	const column = (c: number) => Float32Array.from({ length: n }, (_, i) => probabilities[i * k + c]);
	const calibration = binary
		? calibrationCurve(positives(1), column(1), { bins, weights, kind: 'positive-class', className: classes[1] })
		: calibrationCurve(
				Uint8Array.from(truth, (t, i) => (t === predicted[i] ? 1 : 0)),
				Float32Array.from({ length: n }, (_, i) => probabilities[i * k + predicted[i]]),
				{ bins, weights, kind: 'top-label', className: null }
			);

	return {
		task: 'classification',
		classes,
		rows: n,
		excludedRows: excluded,
		accuracy: correct / total,
		balancedAccuracy: mean(withTruth.map((s) => s.recall)),
		perClass,
		macro: average(present, () => 1),
		weighted: average(withTruth, (s) => s.support),
		confusion: { counts, normalized: counts.map((row) => normalizeRow(row)) },
		oneVsRest,
		auc: binary ? oneVsRest[1].auc : aucMacro,
		aucMacro,
		aucWeighted,
		averagePrecision: binary ? oneVsRest[1].averagePrecision : aps.length > 0 ? mean(aps.map((o) => o.averagePrecision!)) : null,
		logLoss: logLoss(truth, probabilities, k, weights),
		brier: binary ? oneVsRest[1].brier : oneVsRest.reduce((s, o) => s + o.brier, 0),
		brierDefinition: binary ? 'binary' : 'multiclass',
		calibration,
		perClassCalibration: binary ? [] : classes.map((className, c) => calibrationCurve(positives(c), column(c), { bins, weights, kind: 'one-vs-rest', className })),
		threshold: binary
			? thresholdSweep(positives(1), column(1), {
					costs: options.costs ?? { falsePositive: 1, falseNegative: 1 },
					positiveClass: classes[1],
					points: options.thresholdPoints ?? DEFAULT_THRESHOLD_POINTS,
					weights
				})
			: null
	};
}

/** Index of the largest probability per row; ties go to the lower class index, like numpy's argmax. */
export function argmax(probabilities: ArrayLike<number>, k: number): Int32Array {
	const n = probabilities.length / k;
	const out = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		let best = 0;
		for (let c = 1; c < k; c++) if (probabilities[i * k + c] > probabilities[i * k + best]) best = c;
		out[i] = best;
	}
	return out;
}

/** Mean cross-entropy, clipped and renormalised as scikit-learn 1.2's log_loss does. */
export function logLoss(truth: ArrayLike<number>, probabilities: ArrayLike<number>, k: number, weights?: ArrayLike<number>, eps = LOG_LOSS_EPSILON): number {
	let sum = 0;
	let total = 0;
	for (let i = 0; i < truth.length; i++) {
		let rowSum = 0;
		for (let c = 0; c < k; c++) rowSum += clip(probabilities[i * k + c], eps);
		const p = clip(probabilities[i * k + truth[i]], eps) / rowSum;
		const w = weights ? weights[i] : 1;
		sum -= w * Math.log(p);
		total += w;
	}
	return sum / total;
}

const clip = (p: number, eps: number) => Math.min(Math.max(p, eps), 1 - eps);

function oneVsRestScores(
	truth: Int32Array,
	probabilities: Float32Array,
	k: number,
	c: number,
	className: string,
	weights: Float32Array | undefined,
	total: number,
	curvePoints = MAX_CURVE_POINTS
): OneVsRest {
	const n = truth.length;
	const positive = Uint8Array.from(truth, (t) => (t === c ? 1 : 0));
	const score = Float32Array.from({ length: n }, (_, i) => probabilities[i * k + c]);
	const counts = binaryCounts(positive, score, weights);
	let brier = 0;
	for (let i = 0; i < n; i++) brier += (weights ? weights[i] : 1) * (score[i] - positive[i]) ** 2;
	return {
		className,
		prevalence: counts.positives / total,
		auc: rocAuc(counts),
		averagePrecision: averagePrecision(counts),
		roc: rocCurve(counts, curvePoints),
		pr: prCurve(counts, curvePoints),
		brier: brier / total
	};
}

function classScores(counts: number[][], classes: string[]): ClassScores[] {
	return counts.map((row, c) => {
		const tp = row[c];
		const support = row.reduce((a, b) => a + b, 0);
		const predicted = counts.reduce((a, r) => a + r[c], 0);
		// zero_division = 0, scikit-learn's default.
		const precision = predicted > 0 ? tp / predicted : 0;
		const recall = support > 0 ? tp / support : 0;
		const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
		return { className: classes[c], precision, recall, f1, support, predicted };
	});
}

function average(scores: ClassScores[], weight: (s: ClassScores) => number): AverageScores {
	const total = scores.reduce((s, x) => s + weight(x), 0);
	if (total <= 0) return { precision: 0, recall: 0, f1: 0 };
	const of = (pick: (s: ClassScores) => number) => scores.reduce((s, x) => s + weight(x) * pick(x), 0) / total;
	return { precision: of((s) => s.precision), recall: of((s) => s.recall), f1: of((s) => s.f1) };
}

function normalizeRow(row: number[]): number[] {
	const sum = row.reduce((a, b) => a + b, 0);
	return row.map((v) => (sum > 0 ? v / sum : 0));
}

function mean(values: number[]): number {
	return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}
