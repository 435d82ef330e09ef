import { KilnError } from '$shared/errors';
import { lbfgs } from './lbfgs';
import { describeIssues, type TextIssues } from './normalise';
import { sparseTimesDense, type Csr } from './sparse';
import { fitTfidf, transformTfidf, type TfidfSpec, type TfidfState } from './tfidf';
import { normaliseText } from './normalise';
import { wordTokens } from './word-tokenizer';

/** Bag-of-words baselines on TF-IDF: multinomial logistic regression (L2) and multinomial naive Bayes. */
export type TextLinearKind = 'logistic' | 'naive-bayes';

export interface TextLinearSpec {
	kind: TextLinearKind;
	tfidf: TfidfSpec;
	/** Logistic: L2 strength on the mean loss; 'auto' = 1 / training rows (scikit-learn's C = 1). */
	l2: number | 'auto';
	/** Logistic: L-BFGS iterations at most. */
	maxIterations: number;
	/** Naive Bayes: additive (Laplace / Lidstone) smoothing. */
	alpha: number;
}

export const TEXT_LINEAR_FORMAT = 'kiln-text-linear';

/** A trained model as plain JSON; scores = tfidf(text) · weights + bias, softmax → probabilities. */
export interface TextLinearModel {
	format: typeof TEXT_LINEAR_FORMAT;
	version: 1;
	kind: TextLinearKind;
	classes: string[];
	tfidf: TfidfState;
	/** Row-major [terms × classes]. */
	weights: number[];
	bias: number[];
	/** L-BFGS iterations used (logistic), 0 for naive Bayes. */
	iterations: number;
}

export interface TextLinearOptions {
	signal?: AbortSignal;
	onIteration?: (iteration: number, loss: number) => void;
}

function softmaxRows(logits: Float64Array, k: number): void {
	for (let i = 0; i < logits.length; i += k) {
		let max = -Infinity;
		for (let j = 0; j < k; j++) max = Math.max(max, logits[i + j]);
		let sum = 0;
		for (let j = 0; j < k; j++) sum += logits[i + j] = Math.exp(logits[i + j] - max);
		for (let j = 0; j < k; j++) logits[i + j] /= sum;
	}
}

function fitLogistic(x: Csr, y: Int32Array, k: number, l2: number, options: TextLinearOptions & { maxIterations: number }) {
	const f = x.cols;
	const n = x.rows;
	const p = new Float64Array(n * k);
	const objective = (theta: Float64Array, grad: Float64Array) => {
		const w = theta.subarray(0, f * k);
		const b = theta.subarray(f * k);
		sparseTimesDense(x, w, k, b, p);
		let loss = 0;
		for (let i = 0; i < n; i++) {
			let max = -Infinity;
			for (let j = 0; j < k; j++) max = Math.max(max, p[i * k + j]);
			let sum = 0;
			for (let j = 0; j < k; j++) sum += Math.exp(p[i * k + j] - max);
			loss += max + Math.log(sum) - p[i * k + y[i]];
			for (let j = 0; j < k; j++) p[i * k + j] = Math.exp(p[i * k + j] - max) / sum;
			p[i * k + y[i]] -= 1;
		}
		grad.fill(0);
		for (let i = 0; i < n; i++) {
			for (let q = x.indptr[i]; q < x.indptr[i + 1]; q++) {
				const v = x.values[q] / n;
				const base = x.indices[q] * k;
				for (let j = 0; j < k; j++) grad[base + j] += v * p[i * k + j];
			}
			for (let j = 0; j < k; j++) grad[f * k + j] += p[i * k + j] / n;
		}
		let penalty = 0;
		for (let c = 0; c < f * k; c++) {
			penalty += w[c] * w[c];
			grad[c] += l2 * w[c];
		}
		return loss / n + 0.5 * l2 * penalty;
	};
	const result = lbfgs(objective, new Float64Array(f * k + k), { maxIterations: options.maxIterations, tolerance: 1e-6, signal: options.signal, onIteration: options.onIteration });
	return { weights: Array.from(result.x.subarray(0, f * k)), bias: Array.from(result.x.subarray(f * k)), iterations: result.iterations };
}

function fitNaiveBayes(x: Csr, y: Int32Array, k: number, alpha: number) {
	const f = x.cols;
	const counts = new Float64Array(f * k);
	const classRows = new Float64Array(k);
	for (let i = 0; i < x.rows; i++) {
		classRows[y[i]]++;
		for (let q = x.indptr[i]; q < x.indptr[i + 1]; q++) counts[x.indices[q] * k + y[i]] += x.values[q];
	}
	const totals = new Float64Array(k);
	for (let c = 0; c < f; c++) for (let j = 0; j < k; j++) totals[j] += counts[c * k + j];
	const weights = Array.from(counts, (v, idx) => Math.log((v + alpha) / (totals[idx % k] + alpha * f)));
	const bias = Array.from(classRows, (m) => Math.log(m / x.rows));
	return { weights, bias, iterations: 0 };
}

/** Fits TF-IDF on `texts` and the chosen classifier on it; `y` are class indices into `classes`. */
export function trainTextLinear(texts: ArrayLike<string | null>, y: Int32Array, classes: string[], spec: TextLinearSpec, options: TextLinearOptions = {}): TextLinearModel {
	if (texts.length !== y.length) throw new KilnError('TrainingError', `There are ${texts.length} texts but ${y.length} labels.`);
	if (classes.length < 2) throw new KilnError('TrainingError', 'A classifier needs at least two classes.');
	if (spec.kind === 'naive-bayes' && !(spec.alpha > 0)) throw new KilnError('ValidationError', `Naive Bayes smoothing must be above 0 (got ${spec.alpha}).`);
	const tfidf = fitTfidf(texts, spec.tfidf);
	const { matrix } = transformTfidf(tfidf, texts);
	const l2 = spec.l2 === 'auto' ? 1 / texts.length : spec.l2;
	if (!(l2 >= 0 && Number.isFinite(l2))) throw new KilnError('ValidationError', `The L2 strength must be a number of at least 0 (got ${spec.l2}).`);
	const fitted = spec.kind === 'logistic' ? fitLogistic(matrix, y, classes.length, l2, { ...options, maxIterations: spec.maxIterations }) : fitNaiveBayes(matrix, y, classes.length, spec.alpha);
	return { format: TEXT_LINEAR_FORMAT, version: 1, kind: spec.kind, classes: [...classes], tfidf, ...fitted };
}

export interface TextPredictions {
	/** Row-major [texts × classes]. */
	probabilities: Float32Array;
	/** Index of the most probable class per text. */
	predicted: Int32Array;
	issues: TextIssues;
	warnings: string[];
}

export function predictTextLinear(model: TextLinearModel, texts: ArrayLike<string | null>): TextPredictions {
	const k = model.classes.length;
	const { matrix, issues } = transformTfidf(model.tfidf, texts);
	const logits = new Float64Array(matrix.rows * k);
	sparseTimesDense(matrix, model.weights, k, model.bias, logits);
	softmaxRows(logits, k);
	const predicted = new Int32Array(matrix.rows);
	for (let i = 0; i < matrix.rows; i++) {
		let best = 0;
		for (let j = 1; j < k; j++) if (logits[i * k + j] > logits[i * k + best]) best = j;
		predicted[i] = best;
	}
	return { probabilities: Float32Array.from(logits), predicted, issues, warnings: describeIssues(issues, model.tfidf.spec.tokenizer.maxChars) };
}

/** For each class, the terms that push a text towards it most (weight minus the mean over classes). */
export function topTerms(model: TextLinearModel, count = 15): { class: string; terms: { term: string; weight: number }[] }[] {
	const k = model.classes.length;
	return model.classes.map((name, j) => {
		const scored = model.tfidf.terms.map((term, c) => {
			let mean = 0;
			for (let q = 0; q < k; q++) mean += model.weights[c * k + q] / k;
			return { term, weight: model.weights[c * k + j] - mean };
		});
		scored.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1));
		return { class: name, terms: scored.slice(0, count) };
	});
}

/** Per-token contribution to one class's score for a typed text: the token's TF-IDF value × its weight (relative to the mean class). */
export function explainTextLinear(model: TextLinearModel, text: string, classIndex: number): { token: string; start: number; contribution: number }[] {
	const k = model.classes.length;
	const spec = model.tfidf.spec;
	const n = normaliseText(text, { form: spec.tokenizer.form, lowercase: spec.tokenizer.lowercase, maxChars: spec.tokenizer.maxChars });
	const { matrix } = transformTfidf(model.tfidf, [text]);
	const value = new Map<number, number>();
	for (let q = matrix.indptr[0]; q < matrix.indptr[1]; q++) value.set(matrix.indices[q], matrix.values[q]);
	const column = new Map(model.tfidf.terms.map((t, i) => [t, i]));
	const { tokens, starts } = wordTokens(n.text, spec.tokenizer);
	const counts = new Map<string, number>();
	for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
	return tokens.map((token, i) => {
		const c = column.get(token);
		if (c === undefined) return { token, start: starts[i], contribution: 0 };
		let mean = 0;
		for (let q = 0; q < k; q++) mean += model.weights[c * k + q] / k;
		// A word that occurs several times shares its column's contribution between occurrences.
		return { token, start: starts[i], contribution: ((value.get(c) ?? 0) * (model.weights[c * k + classIndex] - mean)) / counts.get(token)! };
	});
}
