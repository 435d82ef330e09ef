import { binOf, fitBinEdges } from './binning';
import { checkMatrix, classTargets } from './data';
import type { CategoricalNbModel, CategoricalNbParams, FitOptions, GaussianNbModel, GaussianNbParams, Targets } from './types';

/** Class frequencies as log priors; a class with no rows gets −∞ and is never predicted. */
function logPriors(y: Int32Array, k: number): Float64Array {
	const counts = new Float64Array(k);
	for (let i = 0; i < y.length; i++) counts[y[i]]++;
	return counts.map((c) => Math.log(c / y.length));
}

/**
 * Gaussian naive Bayes like scikit-learn's: per-class means and variances, each variance raised by
 * varSmoothing × the largest feature variance. Missing values are left out of the fit and of the
 * likelihood (the feature says nothing about that row).
 */
export function fitGaussianNb(params: GaussianNbParams, x: Float32Array, n: number, d: number, y: Targets, classes: number, options: FitOptions): GaussianNbModel {
	checkMatrix(x, n, d);
	const labels = classTargets(y, n, classes);
	const k = classes;
	const mean = new Float64Array(k * d);
	const variance = new Float64Array(k * d);
	const count = new Float64Array(k * d);
	const allMean = new Float64Array(d);
	const allCount = new Float64Array(d);
	for (let i = 0; i < n; i++) {
		const c = labels[i];
		for (let j = 0; j < d; j++) {
			const v = x[i * d + j];
			if (v !== v) continue;
			mean[c * d + j] += v;
			count[c * d + j]++;
			allMean[j] += v;
			allCount[j]++;
		}
	}
	for (let t = 0; t < k * d; t++) mean[t] = count[t] > 0 ? mean[t] / count[t] : 0;
	for (let j = 0; j < d; j++) allMean[j] = allCount[j] > 0 ? allMean[j] / allCount[j] : 0;
	const allVar = new Float64Array(d);
	for (let i = 0; i < n; i++) {
		const c = labels[i];
		for (let j = 0; j < d; j++) {
			const v = x[i * d + j];
			if (v !== v) continue;
			variance[c * d + j] += (v - mean[c * d + j]) ** 2;
			allVar[j] += (v - allMean[j]) ** 2;
		}
	}
	let largest = 0;
	for (let j = 0; j < d; j++) largest = Math.max(largest, allCount[j] > 0 ? allVar[j] / allCount[j] : 0);
	// All-constant inputs would leave zero variances; a tiny floor keeps the likelihood finite.
	const epsilon = Math.max(params.varSmoothing * largest, 1e-12);
	for (let t = 0; t < k * d; t++) variance[t] = (count[t] > 0 ? variance[t] / count[t] : 0) + epsilon;
	options.onProgress?.(1);
	return { family: 'gaussian-nb', task: 'classification', inputSize: d, outputs: k, notes: [], logPrior: logPriors(labels, k), mean, variance };
}

export function predictGaussianNb(model: GaussianNbModel, x: Float32Array, n: number): Float32Array {
	const { inputSize: d, outputs: k, mean, variance, logPrior } = model;
	const logNorm = variance.map((v) => -0.5 * Math.log(2 * Math.PI * v));
	const joint = new Float64Array(k);
	const out = new Float32Array(n * k);
	for (let i = 0; i < n; i++) {
		for (let c = 0; c < k; c++) {
			let s = logPrior[c];
			for (let j = 0; j < d; j++) {
				const v = x[i * d + j];
				if (v !== v) continue;
				const t = c * d + j;
				s += logNorm[t] - (0.5 * (v - mean[t]) ** 2) / variance[t];
			}
			joint[c] = s;
		}
		normaliseLog(joint, out, i * k);
	}
	return out;
}

/** exp(joint − logsumexp) into out; −∞ entries (empty classes) become 0. */
function normaliseLog(joint: Float64Array, out: Float32Array, offset: number): void {
	let max = -Infinity;
	for (let c = 0; c < joint.length; c++) max = Math.max(max, joint[c]);
	let total = 0;
	for (let c = 0; c < joint.length; c++) total += Math.exp(joint[c] - max);
	for (let c = 0; c < joint.length; c++) out[offset + c] = Math.exp(joint[c] - max) / total;
}

/**
 * Categorical naive Bayes: each feature's distinct values are its categories (one-hot and ordinal
 * inputs); a feature with more than maxCategories values is cut into that many quantile bins.
 * P(category | class) uses additive smoothing alpha, as scikit-learn's CategoricalNB.
 */
export function fitCategoricalNb(params: CategoricalNbParams, x: Float32Array, n: number, d: number, y: Targets, classes: number, options: FitOptions): CategoricalNbModel {
	checkMatrix(x, n, d);
	const labels = classTargets(y, n, classes);
	const k = classes;
	const edges = fitBinEdges(x, n, d, params.maxCategories, options.seed);
	const logProb: Float64Array[] = [];
	for (let j = 0; j < d; j++) {
		const categories = edges[j].length + 1;
		const counts = new Float64Array(k * categories);
		const classTotal = new Float64Array(k);
		for (let i = 0; i < n; i++) {
			const v = x[i * d + j];
			if (v !== v) continue;
			counts[labels[i] * categories + binOf(edges[j], v)]++;
			classTotal[labels[i]]++;
		}
		const lp = new Float64Array(k * categories);
		for (let c = 0; c < k; c++) {
			for (let b = 0; b < categories; b++) lp[c * categories + b] = Math.log((counts[c * categories + b] + params.alpha) / (classTotal[c] + params.alpha * categories));
		}
		logProb.push(lp);
	}
	options.onProgress?.(1);
	return { family: 'categorical-nb', task: 'classification', inputSize: d, outputs: k, notes: [], logPrior: logPriors(labels, k), edges, logProb };
}

export function predictCategoricalNb(model: CategoricalNbModel, x: Float32Array, n: number): Float32Array {
	const { inputSize: d, outputs: k, logPrior, edges, logProb } = model;
	const joint = new Float64Array(k);
	const out = new Float32Array(n * k);
	for (let i = 0; i < n; i++) {
		joint.set(logPrior);
		for (let j = 0; j < d; j++) {
			const v = x[i * d + j];
			if (v !== v) continue;
			const categories = edges[j].length + 1;
			const b = binOf(edges[j], v);
			for (let c = 0; c < k; c++) joint[c] += logProb[j][c * categories + b];
		}
		normaliseLog(joint, out, i * k);
	}
	return out;
}
