import type { EpochRecord, FoldResult, JobEvent, Table, TrainCheckpoint, TrainConfig, TrialMetric, TrialOutcome, TrialRequest } from '../protocol';
import { resolveMlpOptions } from '$shared/mlp-options';
import { trainForScore, type PrepareData } from './train';
import { trainClassic } from './model-lab/train-classic';

export interface TrialOptions {
	/** The checkpoint stored for this trial, if any (from its last finished job). */
	checkpoint: TrainCheckpoint | null;
	/** Store the checkpoint after the job's last epoch, for a later promotion. */
	saveCheckpoint: (checkpoint: TrainCheckpoint) => Promise<void>;
	onEvent?: (event: JobEvent) => void;
	signal?: AbortSignal;
	/** Encodes the table; a pool worker passes its cache of the search's encoded parts (trial-data.ts). */
	prepare?: PrepareData;
}

/** A trial's score: the chosen validation figure at its last epoch; null unless finite. */
export function trialScore(history: EpochRecord[], metric: TrialMetric): number | null {
	const last = history.at(-1);
	const value = last ? last[metric] : NaN;
	return Number.isFinite(value) ? value : null;
}

/**
 * A k-fold trial's score: the mean over its folds' models of the chosen figure, each on its own
 * fold's held-out rows, with the sample std; null when the folds carry no such figure.
 */
export function foldScore(folds: FoldResult[] | undefined, metric: TrialMetric): { score: number | null; spread: { std: number; folds: number } } | null {
	const values = (folds ?? []).map((f) => f[metric]).filter((v): v is number => typeof v === 'number');
	if (values.length === 0 || values.length !== folds!.length) return null;
	if (!values.every(Number.isFinite)) return { score: null, spread: { std: NaN, folds: values.length } };
	const mean = values.reduce((a, b) => a + b, 0) / values.length;
	const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
	return { score: mean, spread: { std, folds: values.length } };
}

/** The outcome's score: the folds' mean for a k-fold run, else the last epoch's validation figure. */
function scored(history: EpochRecord[], folds: FoldResult[] | undefined, metric: TrialMetric): Pick<TrialOutcome, 'score' | 'spread'> {
	const cv = foldScore(folds, metric);
	return cv ? { score: cv.score, spread: cv.spread } : { score: trialScore(history, metric) };
}

/**
 * Whether a job's end state may still be continued by a promotion: its score (as the job reports
 * it) reaches the request's promotion bar. A job whose trial can never be promoted keeps no
 * checkpoint: no IndexedDB write and no copy sent back to the page (a 3 × 256 network's is ~2 MB).
 */
export function mayBePromoted(checkpoint: Pick<TrainCheckpoint, 'history' | 'folds'>, request: Pick<TrialRequest, 'metric' | 'promotionBar'>): boolean {
	const bar = request.promotionBar;
	if (!bar) return true;
	const { score } = scored(checkpoint.history, checkpoint.folds, request.metric);
	if (score === null) return false;
	return bar.direction === 'maximize' ? score >= bar.score : score <= bar.score;
}

/**
 * Why a promotion cannot continue from the lower rung's checkpoint and give what training
 * straight to the new budget gives (null: it can). A cosine schedule anneals towards the run's
 * last epoch, so the lower rung's epochs ran at other rates; a k-fold run's folds were trained to
 * the lower budget and are not trained again on resume.
 */
export function notResumable(config: TrainConfig): string | null {
	if (config.split?.kind === 'kfold' || config.split?.kind === 'group-kfold') return 'its k-fold models must each train to the new budget.';
	if (config.model === 'mlp' && resolveMlpOptions(config.mlp).schedule === 'cosine') return 'a cosine schedule anneals towards the last epoch, so the lower rung ran at other rates.';
	return null;
}

/**
 * Train one search trial up to its rung's budget with Kiln's own training loop. A promotion
 * continues from the checkpoint its previous rung stored (same seed, so the split and batch order
 * replay exactly); a job whose checkpoint already reached its budget had finished before a
 * reload, and its stored curve is the result, so no finished work is repeated. A last-rung job,
 * and one whose trial can no longer be promoted (mayBePromoted; the worker's saveCheckpoint
 * decides), stores no checkpoint: if the page goes away between its end and the page storing its
 * result, it trains again.
 */
export async function runTrial(table: Table, request: TrialRequest, options: TrialOptions): Promise<TrialOutcome> {
	const started = performance.now();
	const emit = options.onEvent ?? (() => {});
	if (request.config.classic) {
		// A classic trial is one fit (boosting's rounds are in its config); a promotion refits with the same seed.
		const result = await trainClassic(table, request.config, { onEvent: emit, signal: options.signal, progressInterval: 250 });
		return { ...scored(result.history, result.crossValidation?.folds, request.metric), history: result.history, started: 'scratch', backend: result.backend, durationMs: performance.now() - started };
	}
	const stored = options.checkpoint;
	if (stored && stored.epoch === request.budget) {
		emit({ type: 'log', message: `Trial ${request.trialId} had already trained ${request.budget} epochs before the page was reloaded; its stored result is used.` });
		return { ...scored(stored.history, stored.folds, request.metric), history: stored.history, started: 'stored', backend: null, durationMs: performance.now() - started };
	}
	const from = request.resumeFrom;
	const unresumable = from ? notResumable(request.config) : null;
	if (unresumable) emit({ type: 'log', message: `Trial ${request.trialId} trains from the start to epoch ${request.budget}: ${unresumable}` });
	const resume = from && !unresumable && stored && stored.epoch === from.budget ? stored : undefined;
	if (from && !resume && !unresumable) emit({ type: 'log', message: `Trial ${request.trialId} has no checkpoint after epoch ${from.budget}; it trains from the start to epoch ${request.budget} (same seed, same result).` });
	const result = await trainForScore(table, { ...request.config, epochs: request.budget }, {
		onEvent: emit,
		prepare: options.prepare,
		signal: options.signal,
		resume,
		progressInterval: 250,
		// Only a job a promotion may continue needs its end state stored (a write of the weights
		// and optimiser state per job, 20 ms to 0.6 s in the tune bench); the last rung's never is.
		checkpointAtEnd: !request.lastRung,
		onCheckpoint: options.saveCheckpoint
	});
	return { ...scored(result.history, result.crossValidation?.folds, request.metric), history: result.history, started: resume ? 'checkpoint' : 'scratch', backend: result.backend, durationMs: performance.now() - started };
}
