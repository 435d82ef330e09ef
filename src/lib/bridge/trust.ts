import * as Comlink from 'comlink';
import type { RunResult, VariantTrainRequest, BackendChoice, LabelCheckRequest, LabelCheckResult, FairnessRequest, FairnessResult, JobEvent, LockProgress, PrivacyEpoch, PrivateTrainRequest, PrivateTrainResult, RobustnessRequest, RobustnessResult, TrustProgress, PrivacySweepRequest, PrivacySweepResult } from '$workers/protocol';
import { data, mlPool } from './workers';

/** A DP-SGD run: a training job like any other, in a worker of the ML pool. */
export function trainPrivate(request: PrivateTrainRequest, backend: () => Promise<BackendChoice>, onEvent: (event: JobEvent) => void, onPrivacy: (record: PrivacyEpoch) => void, signal?: AbortSignal, onStart?: () => void): Promise<PrivateTrainResult> {
	return mlPool.run(async (api) => {
		await api.useBackend(await backend());
		return api.trainPrivate(request, Comlink.proxy(onEvent), Comlink.proxy(onPrivacy));
	}, signal, onStart);
}

/** A reweighed or adversarially trained run, in a worker of the ML pool. */
export function trainVariant(request: VariantTrainRequest, backend: () => Promise<BackendChoice>, onEvent: (event: JobEvent) => void, signal?: AbortSignal, onStart?: () => void): Promise<RunResult> {
	return mlPool.run(async (api) => {
		await api.useBackend(await backend());
		return api.trainVariant(request, Comlink.proxy(onEvent));
	}, signal, onStart);
}

export function auditFairness(request: FairnessRequest, backend: () => Promise<BackendChoice>, onProgress: (p: TrustProgress) => void, signal?: AbortSignal, onStart?: () => void): Promise<FairnessResult> {
	return mlPool.run(async (api) => {
		await api.useBackend(await backend());
		return api.auditRunFairness(request, Comlink.proxy(onProgress));
	}, signal, onStart);
}

export function robustnessCurve(request: RobustnessRequest, backend: () => Promise<BackendChoice>, onProgress: (p: TrustProgress) => void, signal?: AbortSignal, onStart?: () => void): Promise<RobustnessResult> {
	return mlPool.run(async (api) => {
		await api.useBackend(await backend());
		return api.robustnessOfRun(request, Comlink.proxy(onProgress));
	}, signal, onStart);
}

/** The flipped-label check of a dataset's training rows (its own small models, no stored run needed). */
export function checkLabels(request: LabelCheckRequest, onProgress: (p: TrustProgress) => void, signal?: AbortSignal, onStart?: () => void): Promise<LabelCheckResult> {
	return mlPool.run((api) => api.checkLabels(request, Comlink.proxy(onProgress)), signal, onStart);
}

/** The privacy/accuracy trade-off: one plain and several DP-SGD runs of one config, in a worker of the ML pool. */
export function privacySweep(request: PrivacySweepRequest, backend: () => Promise<BackendChoice>, onProgress: (p: TrustProgress) => void, signal?: AbortSignal, onStart?: () => void): Promise<PrivacySweepResult> {
	return mlPool.run(async (api) => {
		await api.useBackend(await backend());
		return api.privacySweep(request, Comlink.proxy(onProgress));
	}, signal, onStart);
}

/** Locking and unlocking run in the data worker, one at a time with imports. */
export function lockProject(projectId: string, passphrase: string, onProgress: (p: LockProgress) => void): Promise<{ records: number }> {
	return data.call((api) => api.lockProject(projectId, passphrase, Comlink.proxy(onProgress)));
}

export function unlockProject(projectId: string, passphrase: string, onProgress: (p: LockProgress) => void): Promise<{ records: number }> {
	return data.call((api) => api.unlockProject(projectId, passphrase, Comlink.proxy(onProgress)));
}
