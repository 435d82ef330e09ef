import * as bridge from '$lib/bridge';
import { createRun, finishRun, getSetting, type RunRecord } from '$lib/db';
import { newId } from '$lib/db/open';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import { metricNameFor, type PrivacySettings, type TrainConfig } from '$workers/protocol';
import { describeModel } from '../evaluate/format';
import { startEvaluation } from '../evaluate/evaluation';
import { endFailedRun, onEvent } from '../train/training';
import { holdRunLock } from '../train/run-locks';
import { formatEpsilon } from './privacy-figures';

/** ε spent so far by each running private job (its id), for a live readout. */
export const liveEpsilon = $state<Record<string, number>>({});

/**
 * A DP-SGD run as a training job like any other (same registry, pool, run record, evaluation),
 * stored with its guarantee: the ε it spent at δ, with the settings that give it.
 */
/** `pipelineId`: the Prepare pipeline version it fits (absent: the built-in encoding). */
export function startPrivateTraining(projectId: string, datasetId: string, config: TrainConfig, privacy: PrivacySettings, pipelineId?: string): Job {
	const job = jobs.add('train', projectId, `Private ${describeModel(config)} on “${config.target}”`);
	const runId = newId('run');
	job.metricName = metricNameFor(config.task);
	void holdRunLock(runId, async () => {
		let run: RunRecord | null = null;
		try {
			run = { ...(await createRun({ id: runId, projectId, datasetId, config, pipelineId })), variant: { kind: 'private' } };
			job.runId = run.id;
			jobs.stored();
			const result = await bridge.trainPrivate(
				{ runId, datasetId, config, privacy, ...(pipelineId ? { pipelineId } : {}) },
				() => getSetting('backend'),
				(event) => onEvent(job, event),
				(record) => {
					liveEpsilon[job.id] = record.epsilon;
					job.log(`Epoch ${record.epoch}: ε = ${formatEpsilon(record.epsilon)} spent at δ = ${privacy.delta} (${Math.round(record.clippedFraction * 100)} % of gradients clipped).`);
				},
				job.controller.signal,
				() => {
					job.status = 'running';
					job.label = 'Starting the training worker…';
				}
			);
			const { privacy: record, ...trained } = result;
			const done = await finishRun({ ...run, privacy: { ...record, budgetEpsilon: privacy.budgetEpsilon } }, trained);
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
