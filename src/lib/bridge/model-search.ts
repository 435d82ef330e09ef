import * as Comlink from 'comlink';
import type { BackendChoice, CandidateRequest, CandidateResult } from '$workers/protocol';
import { mlPool } from './workers';

/**
 * One family's cross-validation in a worker of the ML pool (families run side by side). The MLP
 * computes with tfjs, so its worker first switches to the backend chosen in Settings.
 */
export function crossValidateCandidate(request: CandidateRequest, onProgress: (fraction: number, label: string) => void, signal?: AbortSignal, onStart?: () => void, backend?: () => Promise<BackendChoice>): Promise<CandidateResult> {
	return mlPool.run(async (api) => {
		if (!request.config.classic && backend) await api.useBackend(await backend());
		return api.crossValidate(request, Comlink.proxy(onProgress));
	}, signal, onStart);
}
