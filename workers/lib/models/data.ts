import { KilnError } from '$shared/errors';
import type { Task } from '$workers/protocol';
import type { Standardiser, Targets } from './types';

/** Checks the matrix shape; every family calls this before touching the data. */
export function checkMatrix(x: Float32Array, n: number, d: number): void {
	if (!Number.isInteger(n) || n < 1) throw new KilnError('ValidationError', `There are no training rows (got ${n}); a model needs at least one row.`);
	if (!Number.isInteger(d) || d < 1) throw new KilnError('ValidationError', `There are no input columns (got ${d}); pick at least one feature.`);
	if (x.length !== n * d) throw new KilnError('ValidationError', `The feature matrix holds ${x.length} numbers, but ${n} rows × ${d} columns need ${n * d}.`);
	for (let i = 0; i < x.length; i++) {
		const v = x[i];
		if (v === Infinity || v === -Infinity) {
			throw new KilnError('ValidationError', `Row ${Math.floor(i / d) + 1}, input ${(i % d) + 1} is infinite; replace or drop it before training.`);
		}
	}
}

/** Class indices checked against the class count. */
export function classTargets(y: Targets, n: number, classes: number): Int32Array {
	if (y.length !== n) throw new KilnError('ValidationError', `There are ${y.length} targets for ${n} rows.`);
	if (!Number.isInteger(classes) || classes < 2) throw new KilnError('ValidationError', `A classifier needs at least two classes (got ${classes}).`);
	const out = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const c = y[i];
		if (!Number.isInteger(c) || c < 0 || c >= classes) {
			throw new KilnError('ValidationError', `Training row ${i + 1} has class index ${c}; expected a whole number from 0 to ${classes - 1}.`);
		}
		out[i] = c;
	}
	return out;
}

export function valueTargets(y: Targets, n: number): Float64Array {
	if (y.length !== n) throw new KilnError('ValidationError', `There are ${y.length} targets for ${n} rows.`);
	const out = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		if (!Number.isFinite(y[i])) throw new KilnError('ValidationError', `Training row ${i + 1} has no usable target value (${y[i]}); drop it or fill it in.`);
		out[i] = y[i];
	}
	return out;
}

export function outputsFor(task: Task, classes: number): number {
	return task === 'classification' ? classes : 1;
}

export function hasMissing(x: Float32Array): boolean {
	for (let i = 0; i < x.length; i++) if (x[i] !== x[i]) return true;
	return false;
}

/**
 * Mean and population standard deviation per column, ignoring NaN; constant columns get scale 1.
 * With row weights a row of weight 2 counts as that row twice.
 */
export function fitStandardiser(x: Float32Array, n: number, d: number, weights?: Float32Array): Standardiser {
	const mean = new Float64Array(d);
	const scale = new Float64Array(d);
	const count = new Float64Array(d);
	for (let i = 0; i < n; i++) {
		for (let j = 0; j < d; j++) {
			const v = x[i * d + j];
			if (v === v) {
				const w = weights ? weights[i] : 1;
				mean[j] += w * v;
				count[j] += w;
			}
		}
	}
	for (let j = 0; j < d; j++) mean[j] = count[j] > 0 ? mean[j] / count[j] : 0;
	for (let i = 0; i < n; i++) {
		for (let j = 0; j < d; j++) {
			const v = x[i * d + j];
			if (v === v) scale[j] += (weights ? weights[i] : 1) * (v - mean[j]) ** 2;
		}
	}
	for (let j = 0; j < d; j++) {
		const sd = count[j] > 0 ? Math.sqrt(scale[j] / count[j]) : 0;
		scale[j] = sd > 1e-12 ? sd : 1;
	}
	return { mean, scale };
}

/** Standardised copy; a missing value becomes 0, the training mean. */
export function standardise(x: Float32Array, n: number, d: number, s: Standardiser): Float32Array {
	const out = new Float32Array(n * d);
	for (let i = 0; i < n; i++) {
		for (let j = 0; j < d; j++) {
			const v = x[i * d + j];
			out[i * d + j] = v === v ? (v - s.mean[j]) / s.scale[j] : 0;
		}
	}
	return out;
}

export function checkPredictInput(x: Float32Array, n: number, inputSize: number): void {
	if (x.length !== n * inputSize) {
		throw new KilnError('SchemaMismatchError', `The model expects ${inputSize} inputs per row, but ${x.length} numbers were given for ${n} rows.`);
	}
}

/** Row weights checked (finite, ≥ 0, one per row, some positive); absent means every row weighs 1. */
export function rowWeights(weights: Float32Array | undefined, n: number): Float64Array {
	const out = new Float64Array(n).fill(1);
	if (!weights) return out;
	if (weights.length !== n) throw new KilnError('ValidationError', `There are ${weights.length} row weights for ${n} rows.`);
	let total = 0;
	for (let i = 0; i < n; i++) {
		const w = weights[i];
		if (!(w >= 0) || w === Infinity) throw new KilnError('ValidationError', `Training row ${i + 1} has weight ${w}; row weights must be finite and not negative.`);
		out[i] = w;
		total += w;
	}
	if (total <= 0) throw new KilnError('ValidationError', 'Every row weight is 0, so there is nothing to fit.');
	return out;
}
