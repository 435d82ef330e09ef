import * as bridge from '$lib/bridge';
import { toUiError } from '$lib/components/ui-error';
import { getSetting } from '$lib/db';
import { savePrivacySweep, type StoredPrivacySweep } from '$lib/db/privacy-sweeps';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import type { PrivacySweepRequest } from '$workers/protocol';
import { describeModel } from '../evaluate/format';

export { parseSigmas, parseTargetEpsilons, speedRatio } from './trust-figures';

export const SWEEP_TITLE = 'Privacy trade-off';

/**
 * The privacy/accuracy trade-off of one config as a job in the ML pool (progress, cancel): one
 * plain run and one seeded DP-SGD run per σ. The project keeps the latest one.
 */
export function startPrivacySweep(projectId: string, request: PrivacySweepRequest): Job {
	const job = jobs.add('audit', projectId, `${SWEEP_TITLE}: ${describeModel(request.config)} on “${request.config.target}” ${request.targetEpsilons ? ` for ε = ${request.targetEpsilons.join(', ')}` : ` at σ = ${(request.noiseMultipliers ?? []).join(', ')}`}`);
	void (async () => {
		try {
			const result = await bridge.privacySweep(
				request,
				() => getSetting('backend'),
				job.onProgress,
				job.controller.signal,
				job.startedWith('Starting the training worker…')
			);
			const sweep: StoredPrivacySweep = { ...result, at: Date.now(), datasetId: request.datasetId, target: request.config.target };
			await savePrivacySweep(projectId, sweep);
			job.finish('done');
		} catch (e) {
			const error = toUiError(e);
			job.finishWithError(error);
		} finally {
			jobs.stored();
		}
	})();
	return job;
}
