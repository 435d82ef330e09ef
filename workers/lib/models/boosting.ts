import type { Task } from '$workers/protocol';
import { holdoutSplit } from '$workers/lib/split';
import { binData } from './binning';
import { checkMatrix, outputsFor } from './data';
import { HistGrower } from './hist-grower';
import { throwIfAborted } from './progress';
import { leafOf } from './tree-arrays';
import { addTreesOutputs } from './tree-predict';
import { cartTargets } from './tree';
import type { BoostingModel, BoostingParams, FitOptions, Targets, TreeArrays } from './types';

/** Rows above which 'auto' turns early stopping on (scikit-learn's rule). */
const AUTO_EARLY_STOPPING_ROWS = 10_000;
const EPS = 1e-15;

/**
 * Histogram gradient boosting: squared error for regression, log-loss for two classes (one tree
 * per round on the log-odds) and softmax cross-entropy for more (one tree per class per round).
 */
export function fitBoosting(params: BoostingParams, x: Float32Array, n: number, d: number, y: Targets, task: Task, classes: number, options: FitOptions): BoostingModel {
	checkMatrix(x, n, d);
	const targets = cartTargets(y, n, task, classes);
	const columns = task === 'classification' && classes > 2 ? classes : 1;
	const notes: string[] = [];
	const { train, valid } = earlyStoppingSplit(params, n, targets, task, options.seed);
	const nt = train.length;
	const xt = take(x, d, train);
	const yt = takeTargets(targets, train);
	const data = binData(xt, nt, d, params.maxBins, options.seed);
	// Row weights (class balancing) scale each row's gradient and hessian, and the baseline, as in scikit-learn.
	const weight = options.sampleWeight ? Float64Array.from(train, (r) => options.sampleWeight![r]) : null;
	const baseline = baselineOf(yt, task, columns, weight);
	const raw = new Float64Array(nt * columns);
	for (let i = 0; i < nt; i++) raw.set(baseline, i * columns);
	const xv = valid ? take(x, d, valid) : null;
	const yv = valid ? takeTargets(targets, valid) : null;
	const rawValid = valid ? new Float64Array(valid.length * columns) : null;
	if (rawValid) for (let i = 0; i < valid!.length; i++) rawValid.set(baseline, i * columns);
	const grower = new HistGrower(data, {
		maxLeafNodes: params.maxLeafNodes ?? Number.MAX_SAFE_INTEGER,
		maxDepth: params.maxDepth ?? Number.MAX_SAFE_INTEGER,
		minSamplesLeaf: params.minSamplesLeaf,
		l2: params.l2Regularization,
		learningRate: params.learningRate
	});
	const g = new Float32Array(nt * columns);
	const h = new Float32Array(nt * columns);
	const trees: TreeArrays[] = [];
	const validationLoss: number[] = [];
	let iterations = 0;
	for (let it = 0; it < params.maxIter; it++) {
		throwIfAborted(options.signal);
		gradients(raw, yt, task, columns, g, h);
		if (weight) {
			for (let c = 0; c < columns; c++) {
				for (let i = 0; i < nt; i++) {
					g[c * nt + i] *= weight[i];
					h[c * nt + i] *= weight[i];
				}
			}
		}
		for (let c = 0; c < columns; c++) {
			const tree = grower.grow(g.subarray(c * nt, (c + 1) * nt), h.subarray(c * nt, (c + 1) * nt), raw, columns, c);
			trees.push(tree);
			if (rawValid) for (let i = 0; i < valid!.length; i++) rawValid[i * columns + c] += tree.value[leafOf(tree, xv!, i * d)];
		}
		iterations++;
		options.onProgress?.(iterations / params.maxIter, `round ${iterations} of ${params.maxIter}`);
		if (rawValid) {
			validationLoss.push(meanLoss(rawValid, yv!, task, columns));
			if (shouldStop(validationLoss, params.nIterNoChange, params.tol)) {
				notes.push(`Stopped early after ${iterations} rounds: the validation loss did not improve for ${params.nIterNoChange} rounds.`);
				break;
			}
		}
	}
	return { family: 'boosting', task, inputSize: d, outputs: outputsFor(task, classes), notes, baseline, trees, columns, gain: grower.gain, iterations, validationLoss };
}

function earlyStoppingSplit(params: BoostingParams, n: number, y: Int32Array | Float64Array, task: Task, seed: number): { train: Int32Array; valid: Int32Array | null } {
	const on = params.earlyStopping === 'on' || (params.earlyStopping === 'auto' && n > AUTO_EARLY_STOPPING_ROWS);
	const all = new Int32Array(n);
	for (let i = 0; i < n; i++) all[i] = i;
	if (!on) return { train: all, valid: null };
	const split = holdoutSplit(all, params.validationFraction, seed ^ 0xb005, task === 'classification' ? y : undefined);
	if (split.holdout.length === 0 || split.train.length < 2) return { train: all, valid: null };
	// Sorted rows keep the binned columns in the original order (sequential reads).
	return { train: split.train.sort(), valid: split.holdout };
}

function take(x: Float32Array, d: number, rows: Int32Array): Float32Array {
	const out = new Float32Array(rows.length * d);
	for (let i = 0; i < rows.length; i++) out.set(x.subarray(rows[i] * d, rows[i] * d + d), i * d);
	return out;
}

function takeTargets(y: Int32Array | Float64Array, rows: Int32Array): Int32Array | Float64Array {
	const out = y instanceof Int32Array ? new Int32Array(rows.length) : new Float64Array(rows.length);
	for (let i = 0; i < rows.length; i++) out[i] = y[rows[i]];
	return out;
}

function baselineOf(y: Int32Array | Float64Array, task: Task, columns: number, weight: Float64Array | null): Float64Array {
	const n = y.length;
	let total = 0;
	for (let i = 0; i < n; i++) total += weight ? weight[i] : 1;
	if (task === 'regression') {
		let mean = 0;
		for (let i = 0; i < n; i++) mean += (weight ? weight[i] : 1) * y[i];
		return Float64Array.of(mean / total);
	}
	const counts = new Float64Array(Math.max(columns, 2));
	for (let i = 0; i < n; i++) counts[y[i]] += weight ? weight[i] : 1;
	const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);
	if (columns === 1) {
		const p = clip(counts[1] / total);
		return Float64Array.of(Math.log(p / (1 - p)));
	}
	return Float64Array.from(counts, (c) => Math.log(clip(c / total)));
}

/** Gradients and hessians, column-major: g[column × rows + row]. */
function gradients(raw: Float64Array, y: Int32Array | Float64Array, task: Task, columns: number, g: Float32Array, h: Float32Array): void {
	const n = y.length;
	if (task === 'regression') {
		for (let i = 0; i < n; i++) {
			g[i] = raw[i] - y[i];
			h[i] = 1;
		}
		return;
	}
	if (columns === 1) {
		for (let i = 0; i < n; i++) {
			const p = 1 / (1 + Math.exp(-raw[i]));
			g[i] = p - y[i];
			h[i] = p * (1 - p);
		}
		return;
	}
	const p = new Float64Array(columns);
	for (let i = 0; i < n; i++) {
		softmaxInto(raw, i * columns, columns, p);
		for (let c = 0; c < columns; c++) {
			g[c * n + i] = p[c] - (y[i] === c ? 1 : 0);
			h[c * n + i] = p[c] * (1 - p[c]);
		}
	}
}

function softmaxInto(raw: ArrayLike<number>, offset: number, k: number, out: Float64Array | Float32Array, outOffset = 0): void {
	let max = -Infinity;
	for (let c = 0; c < k; c++) max = Math.max(max, raw[offset + c]);
	let total = 0;
	for (let c = 0; c < k; c++) {
		const e = Math.exp(raw[offset + c] - max);
		out[outOffset + c] = e;
		total += e;
	}
	for (let c = 0; c < k; c++) out[outOffset + c] /= total;
}

function meanLoss(raw: Float64Array, y: Int32Array | Float64Array, task: Task, columns: number): number {
	const n = y.length;
	let loss = 0;
	if (task === 'regression') {
		for (let i = 0; i < n; i++) loss += 0.5 * (raw[i] - y[i]) ** 2;
	} else if (columns === 1) {
		// log(1 + e^z) − y·z, written to stay finite for large |z|.
		for (let i = 0; i < n; i++) {
			const z = raw[i];
			loss += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i] * z;
		}
	} else {
		for (let i = 0; i < n; i++) {
			let max = -Infinity;
			for (let c = 0; c < columns; c++) max = Math.max(max, raw[i * columns + c]);
			let total = 0;
			for (let c = 0; c < columns; c++) total += Math.exp(raw[i * columns + c] - max);
			loss += max + Math.log(total) - raw[i * columns + y[i]];
		}
	}
	return loss / n;
}

/** scikit-learn's rule: stop when none of the last nIterNoChange losses beat the one before them by tol. */
function shouldStop(losses: number[], nIterNoChange: number, tol: number): boolean {
	const ref = nIterNoChange + 1;
	if (losses.length < ref) return false;
	const reference = losses[losses.length - ref] - tol;
	for (let i = losses.length - ref + 1; i < losses.length; i++) if (losses[i] < reference) return false;
	return true;
}

/** Raw scores [n × columns]: baseline plus every tree. */
export function boostingRaw(model: BoostingModel, x: Float32Array, n: number): Float64Array {
	const { columns, inputSize: d } = model;
	const raw = new Float64Array(n * columns);
	for (let i = 0; i < n; i++) raw.set(model.baseline, i * columns);
	for (let c = 0; c < columns; c++) addTreesOutputs(model.trees, x, n, d, 1, raw, c, columns, columns, c);
	return raw;
}

/** Probabilities [n × classes] or values [n]. */
export function predictBoosting(model: BoostingModel, x: Float32Array, n: number): Float32Array {
	const raw = boostingRaw(model, x, n);
	if (model.task === 'regression') return Float32Array.from(raw);
	const out = new Float32Array(n * model.outputs);
	if (model.columns === 1) {
		for (let i = 0; i < n; i++) {
			const p = 1 / (1 + Math.exp(-raw[i]));
			out[i * 2] = 1 - p;
			out[i * 2 + 1] = p;
		}
		return out;
	}
	for (let i = 0; i < n; i++) softmaxInto(raw, i * model.columns, model.columns, out, i * model.columns);
	return out;
}
