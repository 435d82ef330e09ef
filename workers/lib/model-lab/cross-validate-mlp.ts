import type { CandidateResult, Table, TrainConfig } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import { forward } from '$workers/lib/model';
import { prepareParts } from '$workers/lib/train-data';
import { validateConfig } from '$workers/lib/train';
import { trainLoop } from '$workers/lib/train-loop';
import { candidateFits, fitLabel, FoldTally, foldScore, type CrossValidateOptions, type FoldFit } from './cross-validate';

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
	const repeats = options.repeats ?? 1;
	const tally = new FoldTally();
	for (const fit of candidateFits(table, config, k, repeats, options.rows)) {
		if (options.signal?.aborted) throw new KilnError('AbortError', 'Cancelled.');
		const label = fitLabel(fit, k, repeats);
		options.onProgress?.(fit.index / fit.total, label);
		tally.notes = fit.notes;
		tally.add(await fitAndScoreMlp(table, config, fit.train, fit.test, { ...options, onProgress: (own, epochs) => options.onProgress?.((fit.index + own) / fit.total, `${label}, ${epochs}`) }));
	}
	options.onProgress?.(1, 'Done');
	return tally.result('mlp', classification);
}

/**
 * One fold's fit of the MLP config (its full budget, no early stopping): its score on the test rows,
 * which it trains beside as its validation rows without choosing an epoch by them.
 */
export async function fitAndScoreMlp(table: Table, config: TrainConfig, train: Int32Array, test: Int32Array, options: Pick<CrossValidateOptions, 'pipeline' | 'signal'> & { onProgress?: (fraction: number, epochs: string) => void } = {}): Promise<FoldFit> {
	// prepareParts encodes through the pipeline or, without one, Kiln's built-in encoding.
	const part = prepareParts(table, config, { train, validation: test, holdout: new Int32Array(0) }, undefined, options.pipeline);
	const started = performance.now();
	const run = await trainLoop(part, { ...config, patience: 0 }, {
		emit: (event) => {
			if (event.type === 'progress') options.onProgress?.(event.fraction, `epoch ${event.epoch} of ${event.epochs}`);
		},
		signal: options.signal,
		progressInterval: 200,
		fraction: (own) => own,
		curves: false,
		checkpointInterval: Infinity
	});
	try {
		const fitMs = performance.now() - started;
		const n = part.validation.rows.length;
		const t0 = performance.now();
		const out = await forward(run.model, part.validation.x, n, part.width);
		const predictMs = performance.now() - t0;
		const score = foldScore(config.task === 'classification', out, { x: part.train.x, y: part.train.y, rows: part.train.rows.length, xTest: part.validation.x, yTest: part.validation.y, testRows: n, width: part.width, classes: part.classes });
		return { score, fitMs, bytes: run.model.countParams() * 4, predictMs, rows: n };
	} finally {
		run.model.dispose();
	}
}
