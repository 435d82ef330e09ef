import { KilnError } from '$shared/errors';
import { createRng } from '$workers/lib/random';
import { classificationReport, type ClassificationOptions } from './classification';
import { regressionReport, weightedMedian, type RegressionOptions } from './regression';
import type { ClassificationInput, ClassificationReport, RegressionInput, RegressionReport } from './types';

/**
 * majority: always the most frequent training class, with the training class shares as
 *   probabilities (scikit-learn's DummyClassifier 'prior'), so log loss and AUC are the
 *   "learned nothing" reference too (AUC 0.5).
 * stratified: a seeded random class per row drawn from the training shares, as a one-hot row
 *   (DummyClassifier 'stratified').
 */
export type ClassificationBaseline = 'majority' | 'stratified';
export type RegressionBaseline = 'mean' | 'median';

/** Weighted class shares of the training labels (labels < 0 ignored). */
export function classPriors(trainTruth: ArrayLike<number>, k: number, weights?: ArrayLike<number>): Float64Array {
	const priors = new Float64Array(k);
	let total = 0;
	for (let i = 0; i < trainTruth.length; i++) {
		const t = trainTruth[i];
		if (t < 0 || t >= k) continue;
		const w = weights ? weights[i] : 1;
		priors[t] += w;
		total += w;
	}
	if (!(total > 0)) throw new KilnError('ValidationError', 'A baseline needs training rows with a known class; there are none.');
	return priors.map((p) => p / total);
}

/** n × k probabilities a baseline predicts for `rows` evaluated rows. */
export function baselineProbabilities(strategy: ClassificationBaseline, priors: Float64Array, rows: number, seed = 0): Float32Array {
	const k = priors.length;
	const out = new Float32Array(rows * k);
	if (strategy === 'majority') {
		for (let i = 0; i < rows; i++) out.set(priors, i * k);
		return out;
	}
	const rng = createRng(seed);
	for (let i = 0; i < rows; i++) {
		let u = rng();
		let c = 0;
		while (c < k - 1 && u >= priors[c]) u -= priors[c++];
		out[i * k + c] = 1;
	}
	return out;
}

export function baselinePrediction(strategy: RegressionBaseline, trainTruth: ArrayLike<number>, weights?: ArrayLike<number>): number {
	if (trainTruth.length === 0) throw new KilnError('ValidationError', 'A baseline needs training rows with a target value; there are none.');
	if (strategy === 'median') return weightedMedian(trainTruth, weights);
	let sum = 0;
	let total = 0;
	for (let i = 0; i < trainTruth.length; i++) {
		const w = weights ? weights[i] : 1;
		sum += w * trainTruth[i];
		total += w;
	}
	return sum / total;
}

export interface ClassificationBaselineReport {
	strategy: ClassificationBaseline;
	report: ClassificationReport;
}
export interface RegressionBaselineReport {
	strategy: RegressionBaseline;
	/** The constant every row is predicted as. */
	prediction: number;
	report: RegressionReport;
}

/**
 * Baselines fitted on the training labels and scored on the same evaluated rows, with the same
 * report as the model, so the two sit side by side.
 */
export function classificationBaselines(
	trainTruth: ArrayLike<number>,
	evaluated: ClassificationInput,
	options: ClassificationOptions & { seed?: number; trainWeights?: ArrayLike<number>; strategies?: ClassificationBaseline[] } = {}
): ClassificationBaselineReport[] {
	const priors = classPriors(trainTruth, evaluated.classes.length, options.trainWeights);
	return (options.strategies ?? ['majority', 'stratified']).map((strategy) => ({
		strategy,
		report: classificationReport({ ...evaluated, probabilities: baselineProbabilities(strategy, priors, evaluated.truth.length, options.seed) }, options)
	}));
}

export function regressionBaselines(
	trainTruth: ArrayLike<number>,
	evaluated: Omit<RegressionInput, 'predicted'>,
	options: RegressionOptions & { trainWeights?: ArrayLike<number>; strategies?: RegressionBaseline[] } = {}
): RegressionBaselineReport[] {
	return (options.strategies ?? ['mean', 'median']).map((strategy) => {
		const prediction = baselinePrediction(strategy, trainTruth, options.trainWeights);
		const predicted = new Float64Array(evaluated.truth.length).fill(prediction);
		return { strategy, prediction, report: regressionReport({ ...evaluated, predicted }, options) };
	});
}
