import * as bridge from '$lib/bridge';
import { toUiError } from '$lib/components/ui-error';
import { createRun, endRun, finishRun, getSetting, reopenRun, type RunRecord } from '$lib/db';
import { newId } from '$lib/db/open';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import { withConfigDefaults } from '$shared/train-config';
import { metricNameFor, type JobEvent, type TrainConfig } from '$workers/protocol';
import { describeModel } from '../evaluate/format';
import { startEvaluation } from '../evaluate/evaluation';
import { holdRunLock } from './run-locks';
import { trainImageRun } from '../vision/image-training';

/**
 * A training job that threw: the run is stored as cancelled, diverged or failed (a failed write is
 * named in the job's error, never swallowed) and the job ends. Every kind of training run ends here.
 */
export async function endFailedRun(job: Job, run: RunRecord | null | undefined, thrown: unknown): Promise<void> {
	const error = toUiError(thrown);
	const status = error.name === 'AbortError' ? 'cancelled' : error.name === 'DivergedError' ? 'diverged' : 'failed';
	if (run) {
		try {
			await endRun(run, status, { history: job.history, error: status === 'cancelled' ? 'Cancelled by you.' : error.message, backend: job.backend ?? undefined });
		} catch (writeError) {
			error.message += ` The run's outcome could not be stored either: ${toUiError(writeError).message}`;
		}
	}
	job.finish(status, status === 'cancelled' ? null : error);
}

export function onEvent(job: Job, event: JobEvent): void {
	switch (event.type) {
		case 'progress':
			job.progress = event.fraction;
			job.label = `Epoch ${event.epoch} of ${event.epochs}, batch ${event.batch} of ${event.batches}`;
			break;
		case 'stage':
			job.progress = event.fraction;
			job.label = event.label;
			break;
		case 'metric': {
			const { type: _type, metricName: _name, ...record } = event;
			job.history = [...job.history, record];
			break;
		}
		case 'log':
			job.log(event.message);
			break;
		case 'backend':
			job.backend = event.backend;
			job.backendNote = event.note;
			break;
		case 'checkpoint':
			if (event.problem) job.log(`Checkpoint after epoch ${event.epoch} not saved: ${event.problem}`);
			else job.checkpointEpoch = event.epoch;
			break;
		case 'done':
		case 'error':
			break;
	}
}

/**
 * Run a training job for a run record created by `open` inside the run's Web Lock: the lock is
 * held before the run is marked running, so another tab never mistakes it for an orphan.
 * Every outcome is stored: done with its model, or cancelled / diverged / failed with history.
 */
function execute(job: Job, runId: string, datasetId: string, config: TrainConfig, open: () => Promise<RunRecord>, resume: boolean, pipelineId?: string): Job {
	job.metricName = metricNameFor(config.task);
	void holdRunLock(runId, async () => {
		let run: RunRecord | null = null;
		try {
			run = await open();
			job.runId = run.id;
			jobs.stored();
			const started = () => {
				job.status = 'running';
				job.label = 'Starting the training worker…';
			};
			const result = config.vision
				? await trainImageRun({ runId, datasetId, config, resume }, (event) => onEvent(job, event), job.controller.signal, started)
				: await bridge.train({ request: { runId, datasetId, config, resume, pipelineId }, backend: () => getSetting('backend'), onEvent: (event) => onEvent(job, event), onStart: started, signal: job.controller.signal });
			const done = await finishRun(run, result);
			job.finish('done');
			// The evaluation suite follows as a job of its own: the run is done either way. Image runs are
			// scored in training. Any tabular run is evaluated, whatever its encoding (built-in or a pipeline) and
			// family (workers/lib/run-model); text runs by their own branch (workers/ml/text-evaluate.ts).
			if (!config.vision) startEvaluation(done);
		} catch (e) {
			await endFailedRun(job, run, e);
		} finally {
			jobs.stored();
		}
	});
	return job;
}

/** `pipelineId`: the pipeline version it fits (absent: the built-in encoding); `searchId`: the run trains the best config a search found. */
export function startTraining(projectId: string, datasetId: string, config: TrainConfig, from: { pipelineId?: string; searchId?: string } = {}): Job {
	const job = jobs.add('train', projectId, `${describeModel(config)} on “${config.target}”`);
	const runId = newId('run');
	const { pipelineId, searchId } = from;
	return execute(job, runId, datasetId, config, () => createRun({ id: runId, projectId, datasetId, config, pipelineId, ...(searchId ? { searchId } : {}) }), false, pipelineId);
}

/** Continue an interrupted run from its last checkpoint, with the settings it started with. */
export function resumeTraining(run: RunRecord): Job {
	const config = withConfigDefaults(run.config);
	const job = jobs.add('train', run.projectId, `${describeModel(config)} on “${config.target}” (resumed)`);
	job.history = run.history;
	return execute(job, run.id, run.datasetId, config, () => reopenRun(run), true, run.pipelineId);
}
