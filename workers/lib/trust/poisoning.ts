/**
 * A check for flipped (mislabelled or poisoned) training labels, in the spirit of confident
 * learning (Northcutt et al. 2021, cleanlab's find_label_issues): fit a model on k−1 folds, ask it
 * about the held-out fold, and flag rows whose given label the out-of-fold model finds unlikely.
 * Two reasons can flag a row: the out-of-fold prediction disagrees with the label, and the row's
 * loss (−log p of its label) is an outlier by the robust z-score (Iglewicz & Hoaglin 1993:
 * z = 0.6745·(v − median)/MAD, flag above 3.5). The z-score is taken on log(loss): out-of-fold
 * losses of a good model are heavy-tailed (breast cancer: median 0.0025, 90th percentile 0.17),
 * so on the raw scale the MAD is tiny and 175 of 569 clean rows would count as outliers.
 */
import { KilnError } from '$shared/errors';
import { createRng, shuffleInPlace } from '$workers/lib/random';
import type { FitPredict, LabelSuspect, SuspectReport } from './types';

/**
 * Multinomial logistic regression in float64, full-batch Adam with an L2 penalty: small, exact
 * enough, deterministic, and independent of any tfjs backend.
 */
export const logisticFitPredict: FitPredict = (xTrain, yTrain, xTest, width, classes) => {
	const n = yTrain.length;
	const w = new Float64Array((width + 1) * classes); // last row is the bias
	const m = new Float64Array(w.length);
	const v = new Float64Array(w.length);
	const grad = new Float64Array(w.length);
	const logits = new Float64Array(classes);
	const lambda = 1e-2;
	const lr = 0.05;
	const probs = (x: Float32Array, row: number) => {
		for (let c = 0; c < classes; c++) {
			let z = w[width * classes + c];
			for (let f = 0; f < width; f++) z += x[row * width + f] * w[f * classes + c];
			logits[c] = z;
		}
		const max = Math.max(...logits);
		let sum = 0;
		for (let c = 0; c < classes; c++) sum += logits[c] = Math.exp(logits[c] - max);
		for (let c = 0; c < classes; c++) logits[c] /= sum;
		return logits;
	};
	for (let t = 1; t <= 300; t++) {
		grad.fill(0);
		for (let i = 0; i < n; i++) {
			const p = probs(xTrain, i);
			for (let c = 0; c < classes; c++) {
				const d = (p[c] - (yTrain[i] === c ? 1 : 0)) / n;
				for (let f = 0; f < width; f++) grad[f * classes + c] += d * xTrain[i * width + f];
				grad[width * classes + c] += d;
			}
		}
		for (let k = 0; k < width * classes; k++) grad[k] += lambda * w[k];
		for (let k = 0; k < w.length; k++) {
			m[k] = 0.9 * m[k] + 0.1 * grad[k];
			v[k] = 0.999 * v[k] + 0.001 * grad[k] * grad[k];
			w[k] -= (lr * (m[k] / (1 - 0.9 ** t))) / (Math.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8);
		}
	}
	const rows = xTest.length / width;
	const out = new Float32Array(rows * classes);
	for (let i = 0; i < rows; i++) out.set(probs(xTest, i), i * classes);
	return out;
};

/** Stratified fold index per row: each class is shuffled (seeded) and dealt round-robin. */
export function stratifiedFolds(y: ArrayLike<number>, folds: number, seed: number): Int32Array {
	const rng = createRng(seed);
	const byClass = new Map<number, number[]>();
	for (let i = 0; i < y.length; i++) {
		const rows = byClass.get(y[i]);
		if (rows) rows.push(i);
		else byClass.set(y[i], [i]);
	}
	const fold = new Int32Array(y.length);
	let next = 0;
	for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
		for (const row of shuffleInPlace(byClass.get(label)!, rng)) fold[row] = next++ % folds;
	}
	return fold;
}

function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface SuspectOptions {
	folds?: number;
	seed?: number;
	/** Any model: fit on the first two arguments, return class probabilities [rows × classes] for the third. */
	fitPredict?: FitPredict;
	/** Robust z-score of log(loss) above which a loss is an outlier (default 3.5). */
	zThreshold?: number;
	signal?: AbortSignal;
}

/** Training rows whose labels look flipped, most suspicious first. */
export async function findSuspectLabels(x: Float32Array, y: ArrayLike<number>, width: number, classes: number, options: SuspectOptions = {}): Promise<SuspectReport> {
	const rows = y.length;
	const k = options.folds ?? 5;
	if (x.length !== rows * width) throw new KilnError('ValidationError', `The inputs hold ${x.length} values, which is not ${rows} rows × ${width}.`);
	if (!Number.isInteger(k) || k < 2 || k > rows) throw new KilnError('ValidationError', `Folds must be a whole number from 2 to the number of rows (${rows}).`);
	for (let i = 0; i < rows; i++) if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= classes) throw new KilnError('ValidationError', `Row ${i} has class index ${y[i]}; expected 0 to ${classes - 1}.`);
	const fitPredict = options.fitPredict ?? logisticFitPredict;
	const fold = stratifiedFolds(y, k, options.seed ?? 0);
	const oof = new Float32Array(rows * classes);
	for (let f = 0; f < k; f++) {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'The label check was cancelled.');
		const train: number[] = [];
		const test: number[] = [];
		for (let i = 0; i < rows; i++) (fold[i] === f ? test : train).push(i);
		const xTrain = new Float32Array(train.length * width);
		train.forEach((r, i) => xTrain.set(x.subarray(r * width, (r + 1) * width), i * width));
		const xTest = new Float32Array(test.length * width);
		test.forEach((r, i) => xTest.set(x.subarray(r * width, (r + 1) * width), i * width));
		const probabilities = await fitPredict(xTrain, Int32Array.from(train, (r) => y[r]), xTest, width, classes);
		if (probabilities.length !== test.length * classes) throw new KilnError('ValidationError', `The model returned ${probabilities.length} probabilities for ${test.length} rows × ${classes} classes.`);
		test.forEach((r, i) => oof.set(probabilities.subarray(i * classes, (i + 1) * classes), r * classes));
	}
	const losses = Array.from({ length: rows }, (_, i) => -Math.log(Math.max(oof[i * classes + y[i]], 1e-12)));
	const logLosses = losses.map((l) => Math.log(Math.max(l, 1e-12)));
	const med = median(logLosses);
	const mad = median(logLosses.map((l) => Math.abs(l - med)));
	// With MAD 0 (most losses equal) fall back to the mean absolute deviation (scaled to match σ).
	const spread = mad > 1e-12 ? mad / 0.6745 : (logLosses.reduce((s, l) => s + Math.abs(l - med), 0) / rows) * 1.2533;
	const zThreshold = options.zThreshold ?? 3.5;
	const suspects: LabelSuspect[] = [];
	for (let i = 0; i < rows; i++) {
		const p = oof.subarray(i * classes, (i + 1) * classes);
		let predicted = 0;
		for (let c = 1; c < classes; c++) if (p[c] > p[predicted]) predicted = c;
		const robustZ = spread > 0 ? (logLosses[i] - med) / spread : 0;
		const reasons: string[] = [];
		if (predicted !== y[i]) reasons.push(`out-of-fold model predicts class ${predicted} (p = ${p[predicted].toFixed(3)}); the given class ${y[i]} has p = ${p[y[i]].toFixed(3)}`);
		if (robustZ > zThreshold) reasons.push(`loss ${losses[i].toFixed(2)} is an outlier (robust z = ${robustZ.toFixed(1)} > ${zThreshold})`);
		if (reasons.length > 0) suspects.push({ row: i, label: y[i], predicted, probabilityOfLabel: p[y[i]], loss: losses[i], robustZ, reasons });
	}
	suspects.sort((a, b) => b.loss - a.loss || a.row - b.row);
	return { suspects, outOfFold: oof, folds: k };
}
