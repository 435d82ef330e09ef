import type { Task } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { fitBoosting, predictBoosting } from './boosting';
import { checkPredictInput } from './data';
import { fitForest, predictForest } from './forest';
import { fitKnn, predictKnn } from './knn';
import { fitLinear, predictLinear } from './linear';
import { fitCategoricalNb, fitGaussianNb, predictCategoricalNb, predictGaussianNb } from './naive-bayes';
import { unsuitableReason, validateParams } from './params';
import { addPathContributions } from './tree-arrays';
import { addTreesOutputs } from './tree-predict';
import { fitTree } from './tree';
import type { ClassicModel, ClassicSpec, Contributions, FitOptions, ParamsByFamily, Targets } from './types';

export * from './types';
export { defaultParams, validateParams, unsuitableReason } from './params';
export { fitForestTrees, combineForest, forestTreeSeeds, type ForestPart } from './forest';
export { rawCoefficients } from './linear';
export { serialiseClassic, deserialiseClassic } from './serialise';

/**
 * Fits one classic model. x is row-major [n × d] (NaN = missing), y holds class indices
 * 0..classes−1 (classification) or values (regression; `classes` is ignored).
 */
export function fitClassic(spec: ClassicSpec, x: Float32Array, n: number, d: number, y: Targets, task: Task, classes: number, options: FitOptions): ClassicModel {
	const errors = validateParams(spec.family, task, spec.params);
	const fields = Object.entries(errors);
	if (fields.length > 0) throw new KilnError('ValidationError', `Invalid ${spec.family} settings: ${fields.map(([f, m]) => `${f} ${m}`).join('; ')}.`);
	const reason = unsuitableReason(spec.family, { rows: n, inputSize: d, task, classes, hasMissing: false });
	if (reason) throw new KilnError('TrainingError', reason);
	switch (spec.family) {
		case 'linear':
			return fitLinear(spec.params, x, n, d, y, task, classes, options);
		case 'knn':
			return fitKnn(spec.params, x, n, d, y, task, classes, options);
		case 'gaussian-nb':
			return fitGaussianNb(spec.params, x, n, d, y, classes, options);
		case 'categorical-nb':
			return fitCategoricalNb(spec.params, x, n, d, y, classes, options);
		case 'tree':
			return fitTree(spec.params, x, n, d, y, task, classes, options);
		case 'forest':
			return fitForest(spec.params, x, n, d, y, task, classes, options);
		case 'boosting':
			return fitBoosting(spec.params, x, n, d, y, task, classes, options);
	}
}

/** Class probabilities [n × classes] or predicted values [n]. */
export function predictClassic(model: ClassicModel, x: Float32Array, n: number): Float32Array {
	checkPredictInput(x, n, model.inputSize);
	switch (model.family) {
		case 'linear':
			return predictLinear(model, x, n);
		case 'knn':
			return predictKnn(model, x, n);
		case 'gaussian-nb':
			return predictGaussianNb(model, x, n);
		case 'categorical-nb':
			return predictCategoricalNb(model, x, n);
		case 'tree': {
			const out = new Float64Array(n * model.outputs);
			addTreesOutputs([model.tree], x, n, model.inputSize, 1, out);
			return Float32Array.from(out);
		}
		case 'forest':
			return predictForest(model, x, n);
		case 'boosting':
			return predictBoosting(model, x, n);
	}
}

/**
 * Per-input importance: mean |coefficient| on standardised inputs (linear), or the share of the
 * total split gain (trees, forests, boosting; sums to 1). null for kNN and naive Bayes, which have
 * no built-in measure (use permutation importance).
 */
export function importances(model: ClassicModel): Float64Array | null {
	if (model.family === 'linear') {
		const columns = model.intercept.length;
		const out = new Float64Array(model.inputSize);
		for (let j = 0; j < model.inputSize; j++) for (let c = 0; c < columns; c++) out[j] += Math.abs(model.coef[j * columns + c]) / columns;
		return out;
	}
	if (model.family === 'tree' || model.family === 'forest' || model.family === 'boosting') {
		let total = 0;
		for (const g of model.gain) total += g;
		return model.gain.map((g) => (total > 0 ? g / total : 0));
	}
	return null;
}

/**
 * Exact decomposition of one row's prediction (bias + Σ values = output) for linear models and
 * trees (Saabas path attribution). Trees and forests explain probabilities or values; boosting
 * and linear models explain their raw score (log-odds for two classes, softmax logits for more).
 * null for kNN and naive Bayes.
 */
export function contributions(model: ClassicModel, row: Float32Array): Contributions | null {
	checkPredictInput(row, 1, model.inputSize);
	const d = model.inputSize;
	const regression = model.task === 'regression';
	if (model.family === 'tree' || model.family === 'forest') {
		const k = model.outputs;
		const bias = new Float64Array(k);
		const values = new Float64Array(d * k);
		const trees = model.family === 'tree' ? [model.tree] : model.trees;
		for (const tree of trees) addPathContributions(tree, row, 1 / trees.length, bias, values);
		return { space: regression ? 'value' : 'probability', outputs: k, bias, values };
	}
	if (model.family === 'boosting') {
		const k = model.columns;
		const bias = Float64Array.from(model.baseline);
		const values = new Float64Array(d * k);
		const one = new Float64Array(1);
		const part = new Float64Array(d);
		for (let t = 0; t < model.trees.length; t++) {
			const c = t % k;
			one[0] = 0;
			part.fill(0);
			addPathContributions(model.trees[t], row, 1, one, part);
			bias[c] += one[0];
			for (let j = 0; j < d; j++) values[j * k + c] += part[j];
		}
		return { space: regression ? 'value' : k === 1 ? 'log-odds' : 'logit', outputs: k, bias, values };
	}
	if (model.family === 'linear') {
		const k = model.intercept.length;
		const values = new Float64Array(d * k);
		const { mean, scale } = model.standardiser;
		for (let j = 0; j < d; j++) {
			const v = row[j];
			const z = v === v ? (v - mean[j]) / scale[j] : 0;
			for (let c = 0; c < k; c++) values[j * k + c] = z * model.coef[j * k + c];
		}
		return { space: regression ? 'value' : k === 1 ? 'log-odds' : 'logit', outputs: k, bias: Float64Array.from(model.intercept), values };
	}
	return null;
}

/** Bytes of numeric data in a model (its typed arrays), for showing model size. */
export function modelBytes(model: ClassicModel): number {
	let total = 0;
	const visit = (value: unknown): void => {
		if (ArrayBuffer.isView(value)) total += value.byteLength;
		else if (Array.isArray(value)) value.forEach(visit);
		else if (value && typeof value === 'object') Object.values(value).forEach(visit);
	};
	visit(model);
	return total;
}

/** The params type of a family, for callers building specs generically. */
export type ParamsOf<F extends keyof ParamsByFamily> = ParamsByFamily[F];
