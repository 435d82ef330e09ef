import * as bridge from '$lib/bridge';
import { toUiError } from '$lib/components/ui-error';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import type { LabelCheckResult, TrainConfig } from '$workers/protocol';

/** The latest label check of each project in this tab (it is quick to run again, so not stored). */
export const labelChecks = $state<Record<string, { job: Job; result: LabelCheckResult | null; datasetId: string }>>({});

/** `pipelineId`: encode the rows with this Prepare pipeline version (absent: the built-in encoding). */
export function startLabelCheck(projectId: string, datasetId: string, config: TrainConfig, pipelineId?: string): Job {
	const job = jobs.add('audit', projectId, `Label check on “${config.target}”`);
	labelChecks[projectId] = { job, result: null, datasetId };
	void (async () => {
		try {
			const result = await bridge.checkLabels(
				{ datasetId, config, ...(pipelineId ? { pipelineId } : {}) },
				job.onProgress,
				job.controller.signal,
				job.startedWith('Starting the worker…')
			);
			if (labelChecks[projectId]?.job === job) labelChecks[projectId].result = result;
			job.finish('done');
		} catch (e) {
			const error = toUiError(e);
			job.finishWithError(error);
		}
	})();
	return job;
}
