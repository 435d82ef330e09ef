import { getDataset, getTrialCheckpoint, loadTable, saveTrialCheckpoint } from '$lib/db';
import { booleanTargetAsClasses } from '../lib/train-table';
import { errorMessage } from '$shared/errors';
import { mayBePromoted, runTrial } from '../lib/trial';
import { warmTrialPath } from '../lib/trial-warmup';
import { createTrialDataCache } from '../lib/trial-data';
import type { JobEvent, Table, TrainCheckpoint, TrialOutcome, TrialPhase, TrialRequest, TuneApi } from '../protocol';
import { eventBatcher } from '../lib/event-batch';
import { ensureBackend } from './backend';
import { imageTrial, textTrial } from './tune-media';

/** A warm worker keeps the last table it read: consecutive trials of a search reuse it. */
let cached: { datasetId: string; target: string; table: Table } | null = null;
/** Its trials' encoded parts: the trials of a search share one split and encoding. */
const encoded = createTrialDataCache();

/**
 * This worker's checkpoint writes, in order: a job hands its end state to IndexedDB and returns
 * without waiting; a later write of the same trial (its promotion) is queued behind it here or,
 * in another worker, skips itself if a longer curve is stored (saveTrialCheckpoint).
 */
let writes: Promise<void> = Promise.resolve();

/** Wall-clock milliseconds comparable across the page and its workers. */
const now = () => performance.timeOrigin + performance.now();

/** The warm-up running in this worker, if any: a job stops it rather than wait for it. */
let warming: { stop: AbortController; ended: Promise<void> } | null = null;
/** A job has started in this worker: it is warm, or busy, and a warm-up arriving now is skipped. */
let jobStarted = false;

/**
 * The worker's handlers, each of which first stops a trial warm-up still running and waits for
 * it to let go (within about 50 ms). The warm-up's training loop yields to this worker's messages
 * (workers/lib/yield-task.ts), so a job taking a warm pool worker (a trial, or any run once the
 * Tune page warmed the pool) would otherwise interleave with it, on a backend the job may switch.
 */
export function stoppingWarmUp<Api extends object>(handlers: Api): Api {
	return Object.fromEntries(
		Object.entries(handlers).map(([name, handler]) => [
			name,
			name === 'warmTrials'
				? handler
				: async (...args: unknown[]) => {
						// The warm-up's own preparation loads the backend first: that is not a job.
						if (name !== 'useBackend') jobStarted = true;
						if (warming) {
							warming.stop.abort();
							await warming.ended;
						}
						return (handler as (...a: unknown[]) => unknown).apply(handlers, args);
					}
		])
	) as Api;
}

export const tuneHandlers: TuneApi = {
	async warmTrials() {
		if (jobStarted) return;
		const own = new AbortController();
		const run = (async () => {
			await ensureBackend();
			await warmTrialPath(own.signal);
		})();
		const current = { stop: own, ended: run.then(() => undefined, () => undefined) };
		warming = current;
		try {
			await run;
		} finally {
			if (warming === current) warming = null;
		}
	},
	async trainTrial(request, onEvents) {
		const batch = eventBatcher(onEvents);
		try {
			// Image and text trials train through their own run code (workers/ml/tune-media.ts).
			if (request.config.vision) return await imageTrial(request, batch.emit);
			if (request.config.text) return await textTrial(request, batch.emit);
			return await tabularTrial(request, batch.emit);
		} finally {
			batch.flush();
		}
	}
};

/** A tabular trial's job in this worker, with the stretches of its time (`phases`) for the page's timeline. */
async function tabularTrial(request: TrialRequest, onEvent: (event: JobEvent) => void): Promise<TrialOutcome> {
	const phases: TrialPhase[] = [];
	let at = now();
	const phase = (name: string) => {
		const end = now();
		phases.push({ name, start: at, end });
		at = end;
	};
	const { backend, note } = await ensureBackend();
	onEvent({ type: 'backend', backend, note });
	phase('backend');
	if (cached?.datasetId !== request.datasetId || cached.target !== request.config.target) {
		const dataset = await getDataset(request.datasetId);
		// A yes/no target reads as its two classes, as the final training run reads it.
		cached = { datasetId: request.datasetId, target: request.config.target, table: booleanTargetAsClasses(await loadTable(dataset), request.config.target, dataset.columns) };
	}
	phase('dataset');
	// A promotion continues from the state the page kept from the lower rung's job (no
	// IndexedDB read); after a reload, or when the page let it go, from the stored copy. A job
	// that continues from nothing reads only to find a result it stored before a reload: not
	// when it never ran before, nor on the last rung (it stores none).
	const handed = request.checkpoint && request.resumeFrom && request.checkpoint.epoch === request.resumeFrom.budget ? request.checkpoint : null;
	const stored = async () => {
		await writes;
		return getTrialCheckpoint(request.searchId, request.trialId);
	};
	const checkpoint = handed ?? ((request.lastRung || request.fresh) && !request.resumeFrom ? null : await stored());
	phase('checkpoint-read');
	// The loop's own events mark its stretches: the first batch ends the setup (encoding, model
	// build, checkpoint restore), the last epoch's metric ends the epochs, `done` the finish.
	let lastMetric = 0;
	/** The epochs' stretch ends at the last epoch's metric (before a capture, or the finish). */
	const endEpochs = () => {
		if (lastMetric <= at) return;
		phases.push({ name: 'epochs', start: at, end: lastMetric });
		at = lastMetric;
	};
	let captured: TrainCheckpoint | null = null;
	const timed = (event: JobEvent) => {
		if (event.type === 'progress' && phases.at(-1)?.name === 'checkpoint-read') phase('setup');
		else if (event.type === 'metric') lastMetric = now();
		onEvent(event);
	};
	const outcome = await runTrial(cached.table, request, {
		checkpoint,
		prepare: encoded,
		onEvent: timed,
		saveCheckpoint: async (c) => {
			endEpochs();
			if (!mayBePromoted(c, request)) return;
			phase('capture');
			captured = c;
			// The stored copy is for a reload: the job does not wait for it (0.1–0.6 s per write
			// under load in the tune bench); the page hands the returned state to the promotion.
			const { searchId, trialId } = request;
			writes = writes.then(() =>
				saveTrialCheckpoint(searchId, trialId, c).then(
					() => undefined,
					(error) => console.warn(`Trial ${trialId}'s checkpoint was not stored (${errorMessage(error)}); after a reload its promotion trains from the start.`)
				)
			);
			phase('checkpoint-write');
		}
	});
	endEpochs();
	phase('finish');
	return { ...outcome, phases, ...(captured ? { checkpoint: captured } : {}) };
}
