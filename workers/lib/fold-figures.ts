import type { FoldResult } from '../protocol';
import { classificationReport, regressionReport, scalarMetrics } from './evaluate';
import { lossAndMetric, type Scoring } from './scores';

/**
 * The evaluation suite's scalar figures for one fold's model on that fold's held-out rows, from
 * its raw outputs (logits, a classic classifier's log-probabilities, or standardised values), plus
 * the loss and curve metric a search trial is scored by. The same code scores a run's holdout, so
 * a k-fold run's mean ± std reads like the single-holdout figures beside it.
 */
export function foldFigures(raw: Float32Array, y: Int32Array | Float32Array, scoring: Scoring, seed: number): Pick<FoldResult, 'figures' | 'valLoss' | 'valMetric'> {
	const target = scoring.target;
	const { loss, metric } = lossAndMetric(raw, y, scoring);
	if (y.length === 0) return { valLoss: loss, valMetric: metric };
	const report =
		target.task === 'classification'
			? classificationReport({ truth: Int32Array.from(y), probabilities: softmax(raw, target.classes.length), classes: target.classes })
			: regressionReport({ truth: Float64Array.from(y, (v) => v * target.std + target.mean), predicted: Float64Array.from(raw, (v) => v * target.std + target.mean) }, { seed });
	return { figures: scalarMetrics(report), valLoss: loss, valMetric: metric };
}

/** Logits → row-major probabilities (stable: the row's maximum is subtracted first). */
function softmax(logits: Float32Array, k: number): Float32Array {
	const out = new Float32Array(logits.length);
	for (let r = 0; r < logits.length / k; r++) {
		let max = -Infinity;
		for (let c = 0; c < k; c++) max = Math.max(max, logits[r * k + c]);
		let sum = 0;
		for (let c = 0; c < k; c++) sum += Math.exp(logits[r * k + c] - max);
		for (let c = 0; c < k; c++) out[r * k + c] = Math.exp(logits[r * k + c] - max) / sum;
	}
	return out;
}
