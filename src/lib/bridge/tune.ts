import * as Comlink from 'comlink';
import type { BackendChoice, JobEvent, TrialOutcome, TrialRequest } from '$workers/protocol';
import { mlPool } from './workers';

/** Workers a search can use at once: the ML pool, sized to the machine's cores. */
export const searchSlots = mlPool.size;

/** One trial job in a worker of the ML pool, with its own backend instance. */
export function trainTrial(request: TrialRequest, backend: () => Promise<BackendChoice>, onEvent: (event: JobEvent) => void, signal?: AbortSignal, onStart?: () => void): Promise<TrialOutcome> {
	return mlPool.run(async (api) => {
		await api.useBackend(await backend());
		return api.trainTrial(request, Comlink.proxy(onEvent));
	}, signal, onStart);
}
