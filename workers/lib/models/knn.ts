import type { Task } from '$workers/protocol';
import { holdoutSplit } from '$workers/lib/split';
import { checkMatrix, classTargets, fitStandardiser, outputsFor, standardise, valueTargets } from './data';
import type { FitOptions, KnnModel, KnnParams, Targets } from './types';

/**
 * k-nearest neighbours on standardised inputs (missing values at the mean). Fitting stores the
 * rows; above maxTrainRows a seeded sample is kept (stratified for classes), because every
 * prediction scans all stored rows.
 */
export function fitKnn(params: KnnParams, x: Float32Array, n: number, d: number, y: Targets, task: Task, classes: number, options: FitOptions): KnnModel {
	checkMatrix(x, n, d);
	const targets = task === 'classification' ? classTargets(y, n, classes) : Float32Array.from(valueTargets(y, n));
	const notes: string[] = [];
	let keep: Int32Array | null = null;
	if (n > params.maxTrainRows) {
		const all = new Int32Array(n);
		for (let i = 0; i < n; i++) all[i] = i;
		keep = holdoutSplit(all, 1 - params.maxTrainRows / n, options.seed, task === 'classification' ? targets : undefined).train.sort();
		notes.push(`k-nearest neighbours keeps a sample of ${keep.length.toLocaleString('en-US')} of the ${n.toLocaleString('en-US')} training rows, so predictions stay fast.`);
	}
	const rows = keep ? keep.length : n;
	const xs = keep ? new Float32Array(rows * d) : x;
	const ys = keep ? (targets instanceof Int32Array ? new Int32Array(rows) : new Float32Array(rows)) : targets;
	if (keep) {
		for (let i = 0; i < rows; i++) {
			xs.set(x.subarray(keep[i] * d, keep[i] * d + d), i * d);
			ys[i] = targets[keep[i]];
		}
	}
	const standardiser = fitStandardiser(xs, rows, d);
	let k = params.k;
	if (k > rows) {
		notes.push(`k was ${k}, but there are only ${rows} training rows; using k = ${rows}.`);
		k = rows;
	}
	options.onProgress?.(1);
	return { family: 'knn', task, inputSize: d, outputs: outputsFor(task, classes), notes, standardiser, k, weights: params.weights, x: standardise(xs, rows, d, standardiser), y: ys, rows };
}

/**
 * The k nearest stored rows of query row q (squared Euclidean distance), nearest first, written
 * into index/dist. Ties keep the earlier training row.
 */
export function nearest(model: KnnModel, q: Float32Array, index: Int32Array, dist: Float64Array): void {
	const { x, rows, k, inputSize: d } = model;
	index.fill(-1);
	dist.fill(Infinity);
	for (let r = 0; r < rows; r++) {
		let s = 0;
		const o = r * d;
		for (let j = 0; j < d; j++) {
			const t = x[o + j] - q[j];
			s += t * t;
		}
		if (s >= dist[k - 1]) continue;
		let p = k - 1;
		while (p > 0 && dist[p - 1] > s) {
			dist[p] = dist[p - 1];
			index[p] = index[p - 1];
			p--;
		}
		dist[p] = s;
		index[p] = r;
	}
}

/** Class probabilities [n × classes] from (distance-)weighted votes, or weighted mean values [n]. */
export function predictKnn(model: KnnModel, x: Float32Array, n: number): Float32Array {
	const { k, inputSize: d, outputs } = model;
	const { mean, scale } = model.standardiser;
	const q = new Float32Array(d);
	const index = new Int32Array(k);
	const dist = new Float64Array(k);
	const weight = new Float64Array(k);
	const out = new Float32Array(n * outputs);
	for (let i = 0; i < n; i++) {
		for (let j = 0; j < d; j++) {
			const v = x[i * d + j];
			q[j] = v === v ? (v - mean[j]) / scale[j] : 0;
		}
		nearest(model, q, index, dist);
		neighbourWeights(model.weights, dist, weight);
		let total = 0;
		for (let m = 0; m < k; m++) total += weight[m];
		if (model.task === 'classification') {
			for (let m = 0; m < k; m++) out[i * outputs + model.y[index[m]]] += weight[m] / total;
		} else {
			let s = 0;
			for (let m = 0; m < k; m++) s += weight[m] * model.y[index[m]];
			out[i] = s / total;
		}
	}
	return out;
}

/** 1/distance, except that exact matches (distance 0) share all the weight, as in scikit-learn. */
function neighbourWeights(kind: 'distance' | 'uniform', dist: Float64Array, out: Float64Array): void {
	if (kind === 'uniform') {
		out.fill(1);
		return;
	}
	let exact = false;
	for (let m = 0; m < dist.length; m++) if (dist[m] === 0) exact = true;
	for (let m = 0; m < dist.length; m++) out[m] = exact ? (dist[m] === 0 ? 1 : 0) : 1 / Math.sqrt(dist[m]);
}
