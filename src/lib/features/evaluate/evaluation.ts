import * as bridge from '$lib/bridge';
import { toUiError } from '$lib/components/ui-error';
import { getSetting, saveEvaluation, saveEvaluationFailure, type RunRecord } from '$lib/db';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import { withConfigDefaults } from '$shared/train-config';
import { describeModel } from './format';

/** The evaluation job of a run, if one is queued or running. */
export function evaluationJob(run: RunRecord): Job | undefined {
	return jobs.forProject(run.projectId, 'evaluate').findLast((j) => j.runId === run.id);
}

/**
 * Compute a finished run's evaluation suite in a worker of the ML pool and store it with the
 * run. The run stays done whatever happens here; a failure is stored so the report says why.
 */
export function startEvaluation(run: RunRecord): Job {
	const running = evaluationJob(run);
	if (running?.active) return running;
	const job = jobs.add('evaluate', run.projectId, `Evaluate ${describeModel(run.config)} on “${run.config.target}”`);
	job.runId = run.id;
	void (async () => {
		try {
			if (!run.modelId) throw new Error('This run has no stored model to evaluate.');
			const evaluation = await bridge.evaluateRun(
				{ runId: run.id, datasetId: run.datasetId, modelId: run.modelId, config: withConfigDefaults(run.config) },
				() => getSetting('backend'),
				job.onProgress,
				job.controller.signal,
				job.startedWith('Starting the evaluation worker…')
			);
			await saveEvaluation(run, evaluation);
			job.finish('done');
		} catch (e) {
			const error = toUiError(e);
			if (error.name === 'AbortError') job.finish('cancelled');
			else {
				await saveEvaluationFailure(run, error.message).catch(() => {});
				job.finish('failed', error);
			}
		} finally {
			jobs.stored();
		}
	})();
	return job;
}
