import { KilnError } from '$shared/errors';
import { argmax, logLoss } from './classification';
import { binaryCounts, rocAuc } from './curves';
import { r2FromSums } from './regression';

/**
 * One number per model output, for explanations that rescore a model many times (permutation
 * importance): lighter than a full report, same definitions.
 */
export type ClassificationMetricName = 'accuracy' | 'balanced-accuracy' | 'log-loss' | 'auc';
export type RegressionMetricName = 'rmse' | 'mae' | 'r2';
export type MetricName = ClassificationMetricName | RegressionMetricName;

export const HIGHER_IS_BETTER: Record<MetricName, boolean> = {
	accuracy: true,
	'balanced-accuracy': true,
	'log-loss': false,
	auc: true,
	rmse: false,
	mae: false,
	r2: true
};

export function isClassificationMetric(metric: MetricName): metric is ClassificationMetricName {
	return metric === 'accuracy' || metric === 'balanced-accuracy' || metric === 'log-loss' || metric === 'auc';
}

/** Classification: `output` is n × k probabilities and truth holds class indices. Regression: n values. */
export function score(metric: MetricName, truth: ArrayLike<number>, output: ArrayLike<number>, k: number, weights?: ArrayLike<number>): number {
	const n = truth.length;
	if (output.length !== n * k) throw new KilnError('ValidationError', `The model returned ${output.length} numbers for ${n} rows; expected ${n * k}.`);
	const w = (i: number) => (weights ? weights[i] : 1);
	if (isClassificationMetric(metric)) {
		if (metric === 'log-loss') return logLoss(truth, output, k, weights);
		if (metric === 'auc') return auc(truth, output, k, weights);
		const predicted = argmax(output, k);
		const hit = new Float64Array(k);
		const all = new Float64Array(k);
		for (let i = 0; i < n; i++) {
			all[truth[i]] += w(i);
			if (predicted[i] === truth[i]) hit[truth[i]] += w(i);
		}
		if (metric === 'accuracy') return hit.reduce((a, b) => a + b, 0) / all.reduce((a, b) => a + b, 0);
		let sum = 0;
		let classes = 0;
		for (let c = 0; c < k; c++) {
			if (all[c] <= 0) continue;
			sum += hit[c] / all[c];
			classes++;
		}
		return sum / classes;
	}
	let total = 0;
	let mean = 0;
	for (let i = 0; i < n; i++) {
		total += w(i);
		mean += w(i) * truth[i];
	}
	mean /= total;
	let se = 0;
	let ae = 0;
	let ss = 0;
	for (let i = 0; i < n; i++) {
		const e = truth[i] - output[i];
		se += w(i) * e * e;
		ae += w(i) * Math.abs(e);
		ss += w(i) * (truth[i] - mean) ** 2;
	}
	if (metric === 'rmse') return Math.sqrt(se / total);
	if (metric === 'mae') return ae / total;
	return r2FromSums(se, ss);
}

/** Binary: AUC of class 1; multiclass: macro one-vs-rest over classes with both kinds of rows. */
function auc(truth: ArrayLike<number>, output: ArrayLike<number>, k: number, weights?: ArrayLike<number>): number {
	const n = truth.length;
	const classes = k === 2 ? [1] : Array.from({ length: k }, (_, c) => c);
	let sum = 0;
	let defined = 0;
	for (const c of classes) {
		const positive = Uint8Array.from({ length: n }, (_, i) => (truth[i] === c ? 1 : 0));
		const s = Float64Array.from({ length: n }, (_, i) => output[i * k + c]);
		const a = rocAuc(binaryCounts(positive, s, weights));
		if (a === null) continue;
		sum += a;
		defined++;
	}
	if (defined === 0) throw new KilnError('ValidationError', 'ROC AUC needs rows of at least two classes; choose another metric for these rows.');
	return sum / defined;
}
