import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { createRun, endRun, finishRun, getSetting, loadTable, type RunRecord } from '$lib/db';
import type { EpochRecord, JobEvent, TrainConfig } from '../../../../workers/protocol';
import type { Workspace } from '../projects/workspace.svelte';

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
	#controller: AbortController | null = null;

	async start(ws: Workspace, config: TrainConfig): Promise<RunRecord | null> {
		if (this.running || !ws.project || !ws.dataset) return null;
		this.running = true;
		this.outcome = null;
		this.error = null;
		this.progress = 0;
		this.history = [];
		this.logs = [];
		this.label = 'Starting the training worker…';
		this.metricName = config.task === 'classification' ? 'accuracy' : 'rmse';
		const controller = new AbortController();
		this.#controller = controller;
		let run: RunRecord | null = null;
		try {
			run = await createRun({ projectId: ws.project.id, datasetId: ws.dataset.id, config });
			await ws.refreshRuns();
			// A fresh copy from IndexedDB: its buffers move to the worker, the page keeps its own.
			const table = await loadTable(ws.dataset);
			const choice = await getSetting('backend');
			const result = await bridge.train(table, config, choice, (event) => this.#onEvent(event), controller.signal);
			this.backend = result.backend;
			const done = await finishRun(run, result);
			await ws.refreshRuns();
			ws.selectedRunId = done.id;
			this.outcome = 'done';
			return done;
		} catch (e) {
			const error = toUiError(e);
			this.outcome = error.name === 'AbortError' ? 'cancelled' : 'failed';
			if (run) {
				const cancelled = error.name === 'AbortError';
				await endRun(run, cancelled ? 'cancelled' : 'failed', { history: this.history, error: cancelled ? 'Cancelled by you.' : error.message }).catch(() => {});
				await ws.refreshRuns();
			}
			if (error.name !== 'AbortError') this.error = error;
			return null;
		} finally {
			this.running = false;
			this.#controller = null;
			this.label = '';
		}
	}

	cancel(): void {
		this.#controller?.abort();
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
			case 'done':
			case 'error':
				break;
		}
	}
}
