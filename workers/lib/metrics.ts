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
	// A class absent from both truth and predictions has no F1 and does not count in the mean.
	const scored = perClassScores(confusion).filter((s) => s.support > 0 || s.predicted > 0);
	const f1Sum = scored.reduce((sum, s) => sum + s.f1, 0);
	const present = scored.length;
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
		// A constant truth has no variance to explain: scikit-learn's r2_score (force_finite)
		// gives 1 for a perfect prediction and 0 otherwise, instead of -inf or NaN.
		r2: ss > 0 ? 1 - se / ss : se === 0 ? 1 : 0,
		support: n
	};
}

export interface ClassScore {
	precision: number;
	recall: number;
	f1: number;
	/** Rows truly of this class. */
	support: number;
	/** Rows predicted as this class. */
	predicted: number;
}

/** Precision, recall and F1 per class from a confusion matrix (rows true, columns predicted). */
export function perClassScores(confusion: number[][]): ClassScore[] {
	return confusion.map((row, c) => {
		const tp = row[c];
		const support = row.reduce((a, b) => a + b, 0);
		const predicted = confusion.reduce((a, r) => a + r[c], 0);
		const precision = predicted > 0 ? tp / predicted : 0;
		const recall = support > 0 ? tp / support : 0;
		const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
		return { precision, recall, f1, support, predicted };
	});
}
