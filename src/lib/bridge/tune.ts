import * as Comlink from 'comlink';
import type { BackendChoice, JobEvent, TrialOutcome, TrialRequest } from '$workers/protocol';
import { mlPool } from './workers';
import { warmTrainingWorkers } from './ml';

/** Workers a search can use at once: the ML pool, sized to the machine's cores. */
export const searchSlots = mlPool.size;

/** One trial job in a worker of the ML pool, with its own backend instance. */
export function trainTrial(request: TrialRequest, backend: () => Promise<BackendChoice>, onEvent: (event: JobEvent) => void, signal?: AbortSignal, onStart?: () => void): Promise<TrialOutcome> {
	return mlPool.run(async (api) => {
		await api.useBackend(await backend());
		return api.trainTrial(
			request,
			Comlink.proxy((events: JobEvent[]) => {
				for (const event of events) onEvent(event);
			})
		);
	}, signal, onStart);
}

/**
 * At most this many pool workers are started ahead of a search: each holds a backend (tens of MB),
 * and a machine with many cores gets the rest when the search starts.
 */
const WARM_AHEAD = 4;

/** Start the pool's workers, load their backend and compile the trial path before a search asks for them (the Tune page opening). */
export function warmTrialWorkers(backend: () => Promise<BackendChoice>): Promise<void> {
	return warmTrainingWorkers(WARM_AHEAD, backend);
}
