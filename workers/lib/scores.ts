import type { Metrics, TargetTransform } from '../protocol';

/** What scoring needs of an encoding: the target's classes or scaling (a Preprocessing or fitted pipeline has it). */
export interface Scoring {
	target: TargetTransform;
}
import { classificationMetrics, regressionMetrics } from './metrics';
import { argmaxRows, softmaxRows } from './model';

/** Mean data loss and the curve's metric for raw model outputs, computed on the host. */
export function lossAndMetric(out: Float32Array, y: Int32Array | Float32Array, prep: Scoring): { loss: number; metric: number } {
	const n = y.length;
	if (n === 0) return { loss: NaN, metric: NaN };
	if (prep.target.task === 'classification') {
		const probs = softmaxRows(out, prep.target.classes.length);
		let loss = 0;
		let correct = 0;
		probs.forEach((p, i) => {
			const label = y[i];
			loss += label >= 0 ? -Math.log(Math.max(p[label], 1e-12)) : 0;
			if (p.indexOf(Math.max(...p)) === label) correct++;
		});
		return { loss: loss / n, metric: correct / n };
	}
	let se = 0;
	for (let i = 0; i < n; i++) se += (out[i] - y[i]) ** 2;
	return { loss: se / n, metric: Math.sqrt(se / n) * prep.target.std };
}

/** The run's reported metrics from raw outputs on the holdout rows. */
export function finalMetrics(out: Float32Array, y: Int32Array | Float32Array, prep: Scoring): Metrics {
	const target = prep.target;
	if (target.task === 'classification') return classificationMetrics(y, argmaxRows(out, target.classes.length), target.classes);
	return regressionMetrics(
		Array.from(y, (v) => v * target.std + target.mean),
		Array.from(out, (v) => v * target.std + target.mean)
	);
}
