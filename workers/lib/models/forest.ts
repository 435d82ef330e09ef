import type { Task } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { createRng } from '$workers/lib/random';
import { binData } from './binning';
import { growCart } from './cart';
import { checkMatrix, outputsFor } from './data';
import { throwIfAborted } from './progress';
import { leafOf } from './tree-arrays';
import { addTreesOutputs } from './tree-predict';
import { cartSettings, cartTargets } from './tree';
import type { FitOptions, ForestModel, ForestParams, Targets, TreeArrays } from './types';

/**
 * Trees fitted by one worker. Each tree depends only on the data and its own seed, so a forest
 * split over any number of workers equals the forest fitted in one piece.
 */
export interface ForestPart {
	task: Task;
	inputSize: number;
	outputs: number;
	rows: number;
	trees: TreeArrays[];
	/** Each tree's importances, normalised to sum 1 (kept per tree so any split into parts sums alike). */
	treeGains: Float64Array[];
	/** Out-of-bag sums of tree outputs [rows × outputs] and how many trees saw each row out of bag. */
	oob: { sum: Float64Array; count: Int32Array } | null;
}

/** One seed per tree, drawn from the forest's seed. */
export function forestTreeSeeds(seed: number, nTrees: number): Int32Array {
	const rng = createRng(seed ^ 0x7ee5);
	const seeds = new Int32Array(nTrees);
	for (let t = 0; t < nTrees; t++) seeds[t] = Math.floor(rng() * 0x7fffffff);
	return seeds;
}

/** Fits the trees with the given seeds (options.seed is the forest's seed; it fixes the binning). */
export function fitForestTrees(
	params: ForestParams,
	x: Float32Array,
	n: number,
	d: number,
	y: Targets,
	task: Task,
	classes: number,
	treeSeeds: ArrayLike<number>,
	options: FitOptions
): ForestPart {
	checkMatrix(x, n, d);
	const targets = cartTargets(y, n, task, classes);
	const settings = cartSettings(params, d, task, classes);
	const data = binData(x, n, d, params.maxBins, options.seed);
	const outputs = outputsFor(task, classes);
	const treeGains: Float64Array[] = [];
	const trees: TreeArrays[] = [];
	const counts = new Int32Array(n);
	const weight = new Float64Array(n);
	const rows = new Int32Array(n);
	const draws = params.bootstrap ? Math.max(1, Math.round(params.maxSamples * n)) : n;
	const oob = params.bootstrap && params.oobScore ? { sum: new Float64Array(n * outputs), count: new Int32Array(n) } : null;
	for (let t = 0; t < treeSeeds.length; t++) {
		throwIfAborted(options.signal);
		const rng = createRng(treeSeeds[t]);
		counts.fill(0);
		if (params.bootstrap) for (let i = 0; i < draws; i++) counts[Math.floor(rng() * n)]++;
		else counts.fill(1);
		let m = 0;
		for (let i = 0; i < n; i++) {
			weight[i] = counts[i] * (options.sampleWeight ? options.sampleWeight[i] : 1);
			if (counts[i] > 0) rows[m++] = i;
		}
		const grown = growCart(data, targets, rows.subarray(0, m), weight, settings, rng);
		trees.push(grown.tree);
		let total = 0;
		for (let f = 0; f < d; f++) total += grown.gain[f];
		treeGains.push(grown.gain.map((g) => (total > 0 ? g / total : 0)));
		if (oob) addOutOfBag(grown.tree, x, d, counts, oob);
		options.onProgress?.((t + 1) / treeSeeds.length, `tree ${t + 1} of ${treeSeeds.length}`);
	}
	return { task, inputSize: d, outputs, rows: n, trees, treeGains, oob };
}

function addOutOfBag(tree: TreeArrays, x: Float32Array, d: number, counts: Int32Array, oob: { sum: Float64Array; count: Int32Array }): void {
	const k = tree.outputs;
	for (let i = 0; i < counts.length; i++) {
		if (counts[i] > 0) continue;
		const leaf = leafOf(tree, x, i * d);
		for (let c = 0; c < k; c++) oob.sum[i * k + c] += tree.value[leaf * k + c];
		oob.count[i]++;
	}
}

/** Joins parts (in tree-seed order) into one forest; y is needed only for the out-of-bag score. */
export function combineForest(parts: ForestPart[], y?: Targets): ForestModel {
	if (parts.length === 0) throw new KilnError('TrainingError', 'A forest needs at least one part with trees.');
	const { task, inputSize, outputs, rows } = parts[0];
	const trees = parts.flatMap((p) => p.trees);
	const gain = new Float64Array(inputSize);
	for (const g of parts.flatMap((p) => p.treeGains)) for (let f = 0; f < inputSize; f++) gain[f] += g[f] / trees.length;
	const notes: string[] = [];
	let oobScore: number | null = null;
	if (parts.every((p) => p.oob) && y) {
		oobScore = scoreOutOfBag(parts, y, task, outputs, rows);
		if (oobScore === null) notes.push('No row was left out of every bootstrap sample, so there is no out-of-bag score.');
	}
	return { family: 'forest', task, inputSize, outputs, notes, trees, gain, oobScore };
}

function scoreOutOfBag(parts: ForestPart[], y: Targets, task: Task, k: number, n: number): number | null {
	const sum = new Float64Array(n * k);
	const count = new Int32Array(n);
	for (const p of parts) {
		for (let i = 0; i < sum.length; i++) sum[i] += p.oob!.sum[i];
		for (let i = 0; i < n; i++) count[i] += p.oob!.count[i];
	}
	let scored = 0;
	let good = 0;
	let mean = 0;
	for (let i = 0; i < n; i++) if (count[i] > 0) (scored++, (mean += y[i]));
	if (scored === 0) return null;
	mean /= scored;
	let se = 0;
	let ss = 0;
	for (let i = 0; i < n; i++) {
		if (count[i] === 0) continue;
		if (task === 'classification') {
			let best = 0;
			for (let c = 1; c < k; c++) if (sum[i * k + c] > sum[i * k + best]) best = c;
			if (best === y[i]) good++;
		} else {
			se += (sum[i] / count[i] - y[i]) ** 2;
			ss += (y[i] - mean) ** 2;
		}
	}
	return task === 'classification' ? good / scored : ss > 0 ? 1 - se / ss : 0;
}

export function fitForest(params: ForestParams, x: Float32Array, n: number, d: number, y: Targets, task: Task, classes: number, options: FitOptions): ForestModel {
	const part = fitForestTrees(params, x, n, d, y, task, classes, forestTreeSeeds(options.seed, params.nTrees), options);
	return combineForest([part], y);
}

/** Mean of the trees' outputs: class shares or values, [n × outputs]. */
export function predictForest(model: ForestModel, x: Float32Array, n: number): Float32Array {
	const acc = new Float64Array(n * model.outputs);
	const w = 1 / model.trees.length;
	addTreesOutputs(model.trees, x, n, model.inputSize, w, acc);
	return Float32Array.from(acc);
}
