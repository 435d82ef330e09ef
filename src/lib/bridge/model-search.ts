import * as Comlink from 'comlink';
import type { CandidateRequest, CandidateResult } from '$workers/protocol';
import { mlPool } from './workers';

/** One family's cross-validation in a worker of the ML pool (families run side by side). */
export function crossValidateCandidate(request: CandidateRequest, onProgress: (fraction: number, label: string) => void, signal?: AbortSignal, onStart?: () => void): Promise<CandidateResult> {
	return mlPool.run((api) => api.crossValidate(request, Comlink.proxy(onProgress)), signal, onStart);
}
