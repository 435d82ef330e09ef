import * as bridge from '$lib/bridge';
import { createRun, finishRun, getSetting, type RunRecord } from '$lib/db';
import { newId } from '$lib/db/open';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import { withConfigDefaults } from '$shared/train-config';
import { metricNameFor, type VariantTrainRequest } from '$workers/protocol';
import { describeModel } from '../evaluate/format';
import { startEvaluation } from '../evaluate/evaluation';
import { endFailedRun, onEvent } from '../train/training';
import { holdRunLock } from '../train/run-locks';

/**
 * A run like `from`, on the same data, split, settings and Prepare pipeline version, trained as a fairness or robustness
 * variant (Kamiran–Calders weights, or PGD examples mixed in); stored with its variant.
 */
export function startVariantTraining(from: RunRecord, variant: VariantTrainRequest['variant']): Job {
	const config = withConfigDefaults(from.config);
	const what = variant.kind === 'reweighed' ? `Reweighed by ${variant.sensitive.join(' × ')}` : `Adversarially trained`;
	const job = jobs.add('train', from.projectId, `${what}: ${describeModel(config)} on “${config.target}”`);
	const runId = newId('run');
	job.metricName = metricNameFor(config.task);
	void holdRunLock(runId, async () => {
		let run: RunRecord | null = null;
		try {
			run = { ...(await createRun({ id: runId, projectId: from.projectId, datasetId: from.datasetId, config, pipelineId: from.pipelineId })), variant };
			job.runId = run.id;
			jobs.stored();
			const result = await bridge.trainVariant({ runId, datasetId: from.datasetId, config, variant, ...(from.pipelineId ? { pipelineId: from.pipelineId } : {}) }, () => getSetting('backend'), (event) => onEvent(job, event), job.controller.signal, () => {
				job.status = 'running';
				job.label = 'Starting the training worker…';
			});
			const done = await finishRun(run, result);
			job.finish('done');
			startEvaluation(done);
		} catch (e) {
			await endFailedRun(job, run, e);
		} finally {
			jobs.stored();
		}
	});
	return job;
}
