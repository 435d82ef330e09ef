import type { Task } from '$workers/protocol';
import { binData } from './binning';
import { growCart, type CartSettings } from './cart';
import { checkMatrix, classTargets, outputsFor, valueTargets } from './data';
import { createRng } from '$workers/lib/random';
import type { FitOptions, MaxFeatures, Targets, TreeModel, TreeParams } from './types';

export function featuresPerSplit(maxFeatures: MaxFeatures, d: number): number {
	if (maxFeatures === 'all') return d;
	if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(d)));
	if (maxFeatures === 'log2') return Math.max(1, Math.floor(Math.log2(d)));
	return Math.min(d, Math.max(1, Math.floor(maxFeatures * d)));
}

export function cartSettings(params: TreeParams, d: number, task: Task, classes: number): CartSettings {
	return {
		criterion: task === 'regression' ? 'squared_error' : params.criterion,
		maxDepth: params.maxDepth ?? Number.MAX_SAFE_INTEGER,
		minSamplesSplit: params.minSamplesSplit,
		minSamplesLeaf: params.minSamplesLeaf,
		featuresPerSplit: featuresPerSplit(params.maxFeatures, d),
		classes: task === 'classification' ? classes : 0
	};
}

export function cartTargets(y: Targets, n: number, task: Task, classes: number): Int32Array | Float64Array {
	return task === 'classification' ? classTargets(y, n, classes) : valueTargets(y, n);
}

/** One CART tree on all rows, with unit weights unless the options give row weights. */
export function fitTree(params: TreeParams, x: Float32Array, n: number, d: number, y: Targets, task: Task, classes: number, options: FitOptions): TreeModel {
	checkMatrix(x, n, d);
	const targets = cartTargets(y, n, task, classes);
	const data = binData(x, n, d, params.maxBins, options.seed);
	const rows = new Int32Array(n);
	for (let i = 0; i < n; i++) rows[i] = i;
	const grown = growCart(data, targets, rows, options.sampleWeight ? Float64Array.from(options.sampleWeight) : new Float64Array(n).fill(1), cartSettings(params, d, task, classes), createRng(options.seed));
	options.onProgress?.(1);
	return { family: 'tree', task, inputSize: d, outputs: outputsFor(task, classes), notes: [], tree: grown.tree, gain: grown.gain };
}
