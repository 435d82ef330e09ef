import type { CandidateResult, Table, TrainConfig } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import { foldRows } from '$workers/lib/data/split';
import { forward } from '$workers/lib/model';
import { prepareParts } from '$workers/lib/train-data';
import { validateConfig } from '$workers/lib/train';
import { trainLoop } from '$workers/lib/train-loop';
import { candidateFolds, foldScore, type CrossValidateOptions } from './cross-validate';

/**
 * k-fold cross-validation of the MLP for "Find a model", on the same folds and encoding (built-in
 * or the pipeline, fitted per fold) as the classic candidates. No early stopping: the scored fold
 * must not pick the epoch, so each fold trains the config's full (small) budget.
 */
export async function crossValidateMlp(table: Table, rawConfig: TrainConfig, k: number, options: CrossValidateOptions = {}): Promise<CandidateResult> {
	const config = { ...withConfigDefaults(rawConfig), patience: 0 };
	if (config.classic || config.model !== 'mlp') throw new KilnError('TrainingError', 'This cross-validation is for the neural network (MLP) only.');
	validateConfig(table, config, options.pipeline);
	const classification = config.task === 'classification';
	const { rows, folds } = candidateFolds(table, config, k);
	const scores: number[] = [];
	let fitMs = 0;
	let predictMs = 0;
	let predicted = 0;
	let bytes = 0;
	for (let f = 0; f < k; f++) {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'Cancelled.');
		options.onProgress?.(f / k, `Fold ${f + 1} of ${k}`);
		const { train, test } = foldRows(rows, folds, f);
		// prepareParts encodes through the pipeline or, without one, Kiln's built-in encoding.
		const part = prepareParts(table, config, { train, validation: test, holdout: new Int32Array(0) }, undefined, options.pipeline);
		const started = performance.now();
		const run = await trainLoop(part, config, {
			emit: (event) => {
				if (event.type === 'progress') options.onProgress?.(event.fraction, `Fold ${f + 1} of ${k}, epoch ${event.epoch} of ${event.epochs}`);
			},
			signal: options.signal,
			progressInterval: 200,
			fraction: (own) => (f + own) / k,
			curves: false,
			checkpointInterval: Infinity
		});
		try {
			fitMs += performance.now() - started;
			bytes += run.model.countParams() * 4;
			const n = part.validation.rows.length;
			const t0 = performance.now();
			const out = await forward(run.model, part.validation.x, n, part.width);
			predictMs += performance.now() - t0;
			predicted += n;
			scores.push(foldScore(classification, out, { x: part.train.x, y: part.train.y, rows: part.train.rows.length, xTest: part.validation.x, yTest: part.validation.y, testRows: n, width: part.width, classes: part.classes }));
		} finally {
			run.model.dispose();
		}
	}
	options.onProgress?.(1, 'Done');
	const mean = scores.reduce((a, b) => a + b, 0) / k;
	const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / k);
	return { family: 'mlp', metric: classification ? 'accuracy' : 'r2', scores, mean, std, fitMs: fitMs / k, modelBytes: bytes / k, predictMicrosPerRow: predicted > 0 ? (predictMs * 1000) / predicted : 0, notes: folds.notes };
}
