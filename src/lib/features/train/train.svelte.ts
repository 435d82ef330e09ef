import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { createRun, endRun, finishRun, getCheckpoint, getSetting, loadTable, reopenRun, saveCheckpoint, updateProject, type RunRecord } from '$lib/db';
import type { EpochRecord, JobEvent, TrainCheckpoint, TrainConfig } from '$workers/protocol';
import type { Workspace } from '../projects/workspace.svelte';
import { holdRunLock } from './run-locks';

/** One training job at a time for a project: its progress, live history and outcome. */
export class TrainSession {
	running = $state(false);
	progress = $state(0);
	label = $state('');
	metricName = $state('accuracy');
	history = $state.raw<EpochRecord[]>([]);
	logs = $state.raw<string[]>([]);
	error = $state<UiError | null>(null);
	backend = $state('');
	/** How the last job ended; the live chart stays up only when no run report replaces it. */
	outcome = $state<'done' | 'cancelled' | 'failed' | null>(null);
	/** Epoch of the last checkpoint stored for the running job. */
	checkpointEpoch = $state<number | null>(null);
	#controller: AbortController | null = null;
	#run: RunRecord | null = null;
	/** Checkpoint writes queue up so an older one can never land after a newer one. */
	#saving: Promise<void> = Promise.resolve();

	async start(ws: Workspace, config: TrainConfig): Promise<RunRecord | null> {
		if (this.running || !ws.project || !ws.dataset) return null;
		return this.#execute(ws, config, async () => {
			ws.project = await updateProject(ws.project!.id, { lastConfig: config });
			return createRun({ projectId: ws.project.id, datasetId: ws.dataset!.id, config });
		});
	}

	/** Continue an interrupted run from its last checkpoint. */
	async resume(ws: Workspace, run: RunRecord): Promise<RunRecord | null> {
		if (this.running || !ws.dataset) return null;
		if (run.datasetId !== ws.dataset.id) {
			this.error = { name: 'TrainingError', message: 'This run was trained on a dataset that is no longer the project dataset, so it cannot resume. Start a new run instead.' };
			return null;
		}
		let checkpoint: TrainCheckpoint;
		try {
			checkpoint = (await getCheckpoint(run.id)).checkpoint;
		} catch (e) {
			this.error = toUiError(e);
			return null;
		}
		return this.#execute(ws, run.config, () => reopenRun(run), checkpoint);
	}

	cancel(): void {
		this.#controller?.abort();
	}

	async #execute(ws: Workspace, config: TrainConfig, open: () => Promise<RunRecord>, resume?: TrainCheckpoint): Promise<RunRecord | null> {
		this.running = true;
		this.outcome = null;
		this.checkpointEpoch = resume?.epoch ?? null;
		this.error = null;
		this.progress = resume ? resume.epoch / config.epochs : 0;
		this.history = resume?.history ?? [];
		this.logs = [];
		this.label = 'Starting the training worker…';
		this.metricName = config.task === 'classification' ? 'accuracy' : 'rmse';
		const controller = new AbortController();
		this.#controller = controller;
		let run: RunRecord | null = null;
		try {
			run = await open();
			this.#run = run;
			await ws.refreshRuns();
			// A fresh copy from IndexedDB: its buffers move to the worker, the page keeps its own.
			const table = await loadTable(ws.dataset!);
			const backend = await getSetting('backend');
			const job = bridge.train({ table, config, backend, resume, signal: controller.signal, onEvent: (event) => this.#onEvent(event) });
			const result = await holdRunLock(run.id, job);
			this.backend = result.backend;
			await this.#saving;
			const done = await finishRun(run, result);
			await ws.refreshRuns();
			ws.selectedRunId = done.id;
			this.outcome = 'done';
			return done;
		} catch (e) {
			const error = toUiError(e);
			const cancelled = error.name === 'AbortError';
			this.outcome = cancelled ? 'cancelled' : 'failed';
			if (run) {
				await this.#saving;
				await endRun(run, cancelled ? 'cancelled' : 'failed', { history: this.history, error: cancelled ? 'Cancelled by you.' : error.message }).catch(() => {});
				await ws.refreshRuns();
			}
			if (!cancelled) this.error = error;
			return null;
		} finally {
			this.running = false;
			this.#controller = null;
			this.#run = null;
			this.label = '';
		}
	}

	#onEvent(event: JobEvent): void {
		switch (event.type) {
			case 'progress':
				this.progress = event.fraction;
				this.label = `Epoch ${event.epoch} of ${event.epochs}, batch ${event.batch} of ${event.batches}`;
				break;
			case 'metric':
				this.history = [...this.history, { epoch: event.epoch, trainLoss: event.trainLoss, valLoss: event.valLoss, valMetric: event.valMetric }];
				break;
			case 'log':
				this.logs = [...this.logs, event.message];
				if (event.message.startsWith('Compute backend: ')) this.backend = event.message.slice(17, -1);
				break;
			case 'checkpoint': {
				const run = this.#run;
				if (!run) break;
				// A failed checkpoint write (e.g. a full disk) must not stop training; the log says so.
				this.#saving = this.#saving.then(() =>
					saveCheckpoint(run, event.checkpoint).then(
						() => void (this.checkpointEpoch = event.checkpoint.epoch),
						(e) => {
							this.logs = [...this.logs, `Checkpoint after epoch ${event.checkpoint.epoch} not saved: ${toUiError(e).message}`];
						}
					)
				);
				break;
			}
			case 'done':
			case 'error':
				break;
		}
	}
}
