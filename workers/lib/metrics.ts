import type { ClassificationMetrics, RegressionMetrics } from '../protocol';

export function classificationMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: string[]): ClassificationMetrics {
	const k = classes.length;
	const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
	let correct = 0;
	let counted = 0;
	for (let i = 0; i < truth.length; i++) {
		const t = truth[i];
		if (t < 0) {
			counted++; // an unseen class is always a miss
			continue;
		}
		confusion[t][predicted[i]]++;
		counted++;
		if (t === predicted[i]) correct++;
	}
	let f1Sum = 0;
	let present = 0;
	for (let c = 0; c < k; c++) {
		const tp = confusion[c][c];
		const actual = confusion[c].reduce((a, b) => a + b, 0);
		const guessed = confusion.reduce((a, row) => a + row[c], 0);
		if (actual === 0 && guessed === 0) continue; // a class absent from both sides has no F1
		present++;
		const precision = guessed > 0 ? tp / guessed : 0;
		const recall = actual > 0 ? tp / actual : 0;
		f1Sum += precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
	}
	return {
		task: 'classification',
		accuracy: counted > 0 ? correct / counted : 0,
		macroF1: present > 0 ? f1Sum / present : 0,
		classes,
		confusion,
		support: counted
	};
}

export function regressionMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>): RegressionMetrics {
	const n = truth.length;
	let mean = 0;
	for (let i = 0; i < n; i++) mean += truth[i] / n;
	let se = 0;
	let ae = 0;
	let ss = 0;
	for (let i = 0; i < n; i++) {
		const e = predicted[i] - truth[i];
		se += e * e;
		ae += Math.abs(e);
		ss += (truth[i] - mean) ** 2;
	}
	return {
		task: 'regression',
		rmse: Math.sqrt(se / n),
		mae: ae / n,
		r2: ss > 0 ? 1 - se / ss : 0,
		support: n
	};
}
