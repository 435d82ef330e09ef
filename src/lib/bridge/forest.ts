import * as Comlink from 'comlink';
import { KilnError } from '$shared/errors';
import type { BackendApi, ForestApi, JobEvent, RunResult, TrainApi } from '$workers/protocol';
import { shareBuffers, treeShares, type ForestShare } from '$workers/lib/model-lab/forest-shares';
import type { TrainJob } from './ml';

type ForestWorker = BackendApi & TrainApi & ForestApi;

/** The part of the ML pool a forest run uses (a fake in the unit spec). */
export interface ForestPool {
	readonly size: number;
	run<T>(job: (api: Comlink.Remote<ForestWorker>) => Promise<T>, signal?: AbortSignal, onStart?: () => void): Promise<T>;
}

/** A run that spreads its trees over the pool: a random forest with at least two trees, when there are two workers. */
export function sharesForest(job: TrainJob, pool: ForestPool): boolean {
	const classic = job.request.config.classic;
	return !job.request.config.text && !job.request.config.vision && classic?.family === 'forest' && classic.params.nTrees > 1 && pool.size > 1;
}

/**
 * A random forest run over the ML pool: its trees are split into one share per worker, each
 * share fitted in a pool job of its own (for every fold and the final model), then one more pool
 * job joins them, scores the holdout and returns the run. No pool job waits for another while
 * holding a worker, so forests queued side by side cannot starve each other. One Cancel stops
 * every share; a failed share stops the rest.
 */
export async function trainForestInPool({ request, backend, onEvent, onStart, signal }: TrainJob, pool: ForestPool): Promise<RunResult> {
	const classic = request.config.classic;
	if (classic?.family !== 'forest') throw new KilnError('TrainingError', 'Only a random forest run spreads its trees over the workers.');
	const ranges = treeShares(classic.params.nTrees, pool.size);
	const stop = new AbortController();
	const onAbort = () => stop.abort();
	signal?.addEventListener('abort', onAbort, { once: true });
	let started = false;
	const start = () => {
		if (started) return;
		started = true;
		onStart?.();
	};
	const done = ranges.map(() => 0);
	let lastReport = -Infinity;
	const report = (i: number, fraction: number) => {
		done[i] = fraction;
		const now = performance.now();
		if (now - lastReport < 100 && fraction < 1) return;
		lastReport = now;
		const share = ranges.reduce((sum, r, j) => sum + done[j] * (r.to - r.from), 0) / classic.params.nTrees;
		const event: JobEvent = { type: 'stage', fraction: 0.9 * share, label: `Growing ${classic.params.nTrees} trees in ${ranges.length} workers: ${Math.round(share * 100)} %` };
		onEvent(event);
	};
	try {
		onEvent({ type: 'log', message: `Spreading the forest's ${classic.params.nTrees} trees over ${ranges.length} workers (${ranges.map((r) => `trees ${r.from + 1}–${r.to}`).join(', ')}).` });
		const shares: ForestShare[] = await Promise.all(
			ranges.map((range, i) =>
				pool
					.run((api) => api.fitForestShare({ train: request, ...range }, Comlink.proxy((fraction: number) => report(i, fraction))), stop.signal, start)
					.catch((error: unknown) => {
						stop.abort();
						throw error;
					})
			)
		);
		if (signal?.aborted) throw new KilnError('AbortError', 'Cancelled.');
		return await pool.run(async (api) => {
			await api.useBackend(await backend());
			return api.trainForest(request, Comlink.transfer(shares, shareBuffers(shares)), Comlink.proxy(onEvent));
		}, signal);
	} catch (error) {
		// A share stopped because Cancel was pressed, or because another share failed: say the real cause.
		if (signal?.aborted) throw new KilnError('AbortError', 'Cancelled.');
		throw error;
	} finally {
		signal?.removeEventListener('abort', onAbort);
	}
}
