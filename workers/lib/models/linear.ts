import type { Task } from '$workers/protocol';
import { checkMatrix, classTargets, fitStandardiser, outputsFor, rowWeights, standardise, valueTargets } from './data';
import { minimiseOwlqn } from './owlqn';
import { throwIfAborted } from './progress';
import type { FitOptions, LinearModel, LinearParams, Targets } from './types';

/**
 * Linear and logistic regression with an elastic-net penalty, fitted on standardised inputs:
 * squared loss by coordinate descent (glmnet's method), the logistic and softmax losses by
 * OWL-QN (L-BFGS that handles the L1 term). Row weights (class balancing) weigh each row's loss
 * and the standardiser, and the total weight stands for the row count, so a row of weight 2 fits
 * exactly as that row given twice.
 */
export function fitLinear(params: LinearParams, x: Float32Array, n: number, d: number, y: Targets, task: Task, classes: number, options: FitOptions): LinearModel {
	checkMatrix(x, n, d);
	const w = rowWeights(options.sampleWeight, n);
	const total = w.reduce((a, b) => a + b, 0);
	const standardiser = fitStandardiser(x, n, d, options.sampleWeight);
	const rowMajor = standardise(x, n, d, standardiser);
	const { l1, l2 } = penalties(params, total);
	const columns = task === 'classification' && classes > 2 ? classes : 1;
	const coef = new Float64Array(d * columns);
	const intercept = new Float64Array(columns);
	const notes: string[] = [];
	let fit: { iterations: number; converged: boolean };
	if (task === 'regression') {
		fit = fitSquared(columnMajor(rowMajor, n, d), n, d, valueTargets(y, n), w, total, coef, intercept, l1, l2, params, options);
	} else {
		fit = fitLogistic(rowMajor, n, d, classTargets(y, n, classes), w, total, columns, coef, intercept, l1, l2, params, options);
	}
	if (!fit.converged) notes.push(`The solver stopped at the iteration limit (${params.maxIter}) before converging; raise max iterations or the penalty.`);
	return { family: 'linear', task, inputSize: d, outputs: outputsFor(task, classes), notes, standardiser, coef, intercept, iterations: fit.iterations };
}

function penalties(p: LinearParams, n: number): { l1: number; l2: number } {
	const alpha = p.alpha === 'auto' ? 1 / n : p.alpha;
	if (p.penalty === 'none') return { l1: 0, l2: 0 };
	if (p.penalty === 'l1') return { l1: alpha, l2: 0 };
	if (p.penalty === 'l2') return { l1: 0, l2: alpha };
	return { l1: alpha * p.l1Ratio, l2: alpha * (1 - p.l1Ratio) };
}

function columnMajor(x: Float32Array, n: number, d: number): Float64Array {
	const out = new Float64Array(n * d);
	for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[j * n + i] = x[i * d + j];
	return out;
}

const soft = (z: number, t: number) => (z > t ? z - t : z < -t ? z + t : 0);

/**
 * One coordinate-descent pass on (1/2W)·Σwᵢrᵢ² + l1|β|₁ + l2/2·|β|² (W = Σwᵢ), where r = y − b − Xβ is kept
 * up to date, then the unpenalised intercept. Returns the largest change of any coefficient on
 * the scale of the fitted values (|Δβⱼ|·√(column norm)).
 */
function cdPass(xs: Float64Array, n: number, d: number, w: Float64Array, total: number, norms: Float64Array, r: Float64Array, beta: Float64Array, b: Float64Array, l1: number, l2: number): number {
	let maxDelta = 0;
	for (let j = 0; j < d; j++) {
		const v = norms[j];
		if (v === 0) continue;
		const col = j * n;
		let dot = 0;
		for (let i = 0; i < n; i++) dot += w[i] * xs[col + i] * r[i];
		const old = beta[j];
		const next = soft(dot / total + v * old, l1) / (v + l2);
		const delta = next - old;
		if (delta !== 0) {
			beta[j] = next;
			for (let i = 0; i < n; i++) r[i] -= xs[col + i] * delta;
			maxDelta = Math.max(maxDelta, Math.abs(delta) * Math.sqrt(v));
		}
	}
	let shift = 0;
	for (let i = 0; i < n; i++) shift += (w[i] * r[i]) / total;
	b[0] += shift;
	for (let i = 0; i < n; i++) r[i] -= shift;
	return Math.max(maxDelta, Math.abs(shift));
}

function fitSquared(xs: Float64Array, n: number, d: number, y: Float64Array, w: Float64Array, total: number, coef: Float64Array, b: Float64Array, l1: number, l2: number, p: LinearParams, options: FitOptions): { iterations: number; converged: boolean } {
	// (1/W)·Σ wᵢx²ᵢⱼ per column: 1 for standardised columns, less where missing values sit at the mean.
	const norms = new Float64Array(d);
	for (let j = 0; j < d; j++) {
		let s = 0;
		for (let i = 0; i < n; i++) s += w[i] * xs[j * n + i] ** 2;
		norms[j] = s / total;
	}
	const r = Float64Array.from(y);
	let it = 0;
	while (it < p.maxIter) {
		it++;
		if (it % 16 === 0) throwIfAborted(options.signal);
		const delta = cdPass(xs, n, d, w, total, norms, r, coef, b, l1, l2);
		options.onProgress?.(it / p.maxIter);
		if (delta < p.tol) return { iterations: it, converged: true };
	}
	return { iterations: it, converged: false };
}

/**
 * Logistic (one column, two classes) or softmax (one column per class) regression by OWL-QN on
 * the weighted mean log-loss + l2/2·|β|² + l1·|β|₁, intercepts unpenalised. θ = [coef (d × K) | intercepts (K)].
 */
function fitLogistic(xs: Float32Array, n: number, d: number, y: Int32Array, w: Float64Array, total: number, k: number, coef: Float64Array, b: Float64Array, l1: number, l2: number, p: LinearParams, options: FitOptions): { iterations: number; converged: boolean } {
	const theta = new Float64Array(d * k + k);
	const counts = new Float64Array(Math.max(k, 2));
	for (let i = 0; i < n; i++) counts[y[i]] += w[i];
	// Start from the class priors: the intercept-only optimum.
	if (k === 1) theta[d] = Math.log(Math.max(counts[1], 0.5) / Math.max(counts[0], 0.5));
	else for (let c = 0; c < k; c++) theta[d * k + c] = Math.log(Math.max(counts[c], 0.5) / total);
	const l1Weights = new Float64Array(theta.length);
	l1Weights.fill(l1, 0, d * k);
	const eta = new Float64Array(k);
	const smooth = (t: Float64Array, grad: Float64Array): number => {
		grad.fill(0);
		let loss = 0;
		for (let i = 0; i < n; i++) {
			const wi = w[i];
			if (wi === 0) continue;
			const row = i * d;
			for (let c = 0; c < k; c++) eta[c] = t[d * k + c];
			for (let j = 0; j < d; j++) {
				const v = xs[row + j];
				if (v === 0) continue;
				for (let c = 0; c < k; c++) eta[c] += v * t[j * k + c];
			}
			loss += wi * rowLossAndResidual(eta, k, y[i]);
			for (let c = 0; c < k; c++) eta[c] *= wi;
			for (let j = 0; j < d; j++) {
				const v = xs[row + j];
				if (v === 0) continue;
				for (let c = 0; c < k; c++) grad[j * k + c] += v * eta[c];
			}
			for (let c = 0; c < k; c++) grad[d * k + c] += eta[c];
		}
		let penalty = 0;
		for (let t0 = 0; t0 < theta.length; t0++) grad[t0] /= total;
		for (let j = 0; j < d * k; j++) {
			penalty += 0.5 * l2 * t[j] * t[j];
			grad[j] += l2 * t[j];
		}
		return loss / total + penalty;
	};
	const result = minimiseOwlqn(smooth, theta, l1Weights, { maxIter: p.maxIter, tol: p.tol, signal: options.signal, onProgress: options.onProgress });
	coef.set(theta.subarray(0, d * k));
	b.set(theta.subarray(d * k));
	if (k > 1) {
		// Only differences between class scores matter; centring keeps the intercepts readable.
		let centre = 0;
		for (let c = 0; c < k; c++) centre += b[c] / k;
		for (let c = 0; c < k; c++) b[c] -= centre;
	}
	return result;
}

/** Log-loss of one row; overwrites eta with the residual (p − y) per column. */
function rowLossAndResidual(eta: Float64Array, k: number, label: number): number {
	if (k === 1) {
		const z = eta[0];
		const loss = Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - label * z;
		eta[0] = 1 / (1 + Math.exp(-z)) - label;
		return loss;
	}
	let max = -Infinity;
	for (let c = 0; c < k; c++) max = Math.max(max, eta[c]);
	let total = 0;
	for (let c = 0; c < k; c++) total += Math.exp(eta[c] - max);
	const loss = max + Math.log(total) - eta[label];
	for (let c = 0; c < k; c++) eta[c] = Math.exp(eta[c] - max) / total - (c === label ? 1 : 0);
	return loss;
}

function softmaxAt(eta: Float64Array, offset: number, k: number, c: number): number {
	let max = -Infinity;
	for (let j = 0; j < k; j++) max = Math.max(max, eta[offset + j]);
	let total = 0;
	for (let j = 0; j < k; j++) total += Math.exp(eta[offset + j] - max);
	return Math.exp(eta[offset + c] - max) / total;
}

/** Scores [n × columns] for standardised-on-the-fly inputs. */
export function linearScores(model: LinearModel, x: Float32Array, n: number): Float64Array {
	const d = model.inputSize;
	const columns = model.intercept.length;
	const { mean, scale } = model.standardiser;
	const out = new Float64Array(n * columns);
	for (let i = 0; i < n; i++) {
		for (let c = 0; c < columns; c++) out[i * columns + c] = model.intercept[c];
		for (let j = 0; j < d; j++) {
			const v = x[i * d + j];
			if (v !== v) continue;
			const z = (v - mean[j]) / scale[j];
			for (let c = 0; c < columns; c++) out[i * columns + c] += z * model.coef[j * columns + c];
		}
	}
	return out;
}

export function predictLinear(model: LinearModel, x: Float32Array, n: number): Float32Array {
	const s = linearScores(model, x, n);
	if (model.task === 'regression') return Float32Array.from(s);
	const columns = model.intercept.length;
	const out = new Float32Array(n * model.outputs);
	for (let i = 0; i < n; i++) {
		if (columns === 1) {
			const p = 1 / (1 + Math.exp(-s[i]));
			out[i * 2] = 1 - p;
			out[i * 2 + 1] = p;
			continue;
		}
		for (let c = 0; c < columns; c++) out[i * columns + c] = softmaxAt(s, i * columns, columns, c);
	}
	return out;
}

/** Coefficients on the original input scale: prediction = intercept + Σ coef·x. [inputSize × columns]. */
export function rawCoefficients(model: LinearModel): { coef: Float64Array; intercept: Float64Array } {
	const columns = model.intercept.length;
	const coef = new Float64Array(model.coef.length);
	const intercept = Float64Array.from(model.intercept);
	const { mean, scale } = model.standardiser;
	for (let j = 0; j < model.inputSize; j++) {
		for (let c = 0; c < columns; c++) {
			coef[j * columns + c] = model.coef[j * columns + c] / scale[j];
			intercept[c] -= coef[j * columns + c] * mean[j];
		}
	}
	return { coef, intercept };
}
