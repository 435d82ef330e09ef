import { KilnError } from '$shared/errors';
import type { ClassificationInput, RegressionInput } from './types';

const fail = (message: string): never => {
	throw new KilnError('ValidationError', message);
};

/**
 * The rows that can be scored (truth ≥ 0), with their probabilities and weights gathered,
 * after checking every array so a bad value names its row instead of poisoning a metric.
 */
export function checkClassification(input: ClassificationInput): { truth: Int32Array; probabilities: Float32Array; weights?: Float32Array; excluded: number } {
	const { truth, probabilities, classes, weights } = input;
	const k = classes.length;
	const n = truth.length;
	if (k < 2) fail(`A classification report needs at least two classes; got ${k}.`);
	if (probabilities.length !== n * k) fail(`Expected ${n} rows × ${k} class probabilities (${n * k} numbers) but got ${probabilities.length}.`);
	if (weights && weights.length !== n) fail(`Expected one weight per row (${n}) but got ${weights.length}.`);
	let excluded = 0;
	for (let i = 0; i < n; i++) {
		const t = truth[i];
		if (t < -1 || t >= k) fail(`Row ${i} has true class index ${t}; expected 0 to ${k - 1} (or −1 for a label the model cannot predict).`);
		if (t === -1) excluded++;
		for (let c = 0; c < k; c++) {
			const p = probabilities[i * k + c];
			if (!(p >= 0 && p <= 1 + 1e-6)) fail(`Row ${i} has probability ${p} for class "${classes[c]}"; probabilities must lie in [0, 1].`);
		}
		if (weights && !(weights[i] >= 0 && Number.isFinite(weights[i]))) fail(`Row ${i} has weight ${weights[i]}; weights must be finite and not negative.`);
	}
	if (excluded === n) fail(n === 0 ? 'There are no rows to evaluate.' : 'None of the evaluated rows has a class the model knows, so nothing can be scored.');
	if (excluded === 0) {
		checkTotalWeight(weights);
		return { truth, probabilities, weights, excluded };
	}
	const kept = n - excluded;
	const t2 = new Int32Array(kept);
	const p2 = new Float32Array(kept * k);
	const w2 = weights ? new Float32Array(kept) : undefined;
	for (let i = 0, j = 0; i < n; i++) {
		if (truth[i] < 0) continue;
		t2[j] = truth[i];
		p2.set(probabilities.subarray(i * k, (i + 1) * k), j * k);
		if (w2 && weights) w2[j] = weights[i];
		j++;
	}
	checkTotalWeight(w2);
	return { truth: t2, probabilities: p2, weights: w2, excluded };
}

export function checkRegression(input: RegressionInput): void {
	const { truth, predicted, weights } = input;
	const n = truth.length;
	if (n === 0) fail('There are no rows to evaluate.');
	if (predicted.length !== n) fail(`Expected ${n} predictions, one per row, but got ${predicted.length}.`);
	if (weights && weights.length !== n) fail(`Expected one weight per row (${n}) but got ${weights.length}.`);
	for (let i = 0; i < n; i++) {
		if (!Number.isFinite(truth[i])) fail(`Row ${i} has true value ${truth[i]}; rows without a finite target must be left out before evaluating.`);
		if (!Number.isFinite(predicted[i])) fail(`Row ${i} has prediction ${predicted[i]}; the model produced a non-finite value.`);
		if (weights && !(weights[i] >= 0 && Number.isFinite(weights[i]))) fail(`Row ${i} has weight ${weights[i]}; weights must be finite and not negative.`);
	}
	checkTotalWeight(weights);
}

function checkTotalWeight(weights?: ArrayLike<number>): void {
	if (!weights) return;
	let total = 0;
	for (let i = 0; i < weights.length; i++) total += weights[i];
	if (!(total > 0)) fail('All row weights are 0, so no metric can be computed.');
}
