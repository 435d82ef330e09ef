import { getDataset, getTrialCheckpoint, loadTable, saveTrialCheckpoint } from '$lib/db';
import { booleanTargetAsClasses } from '../lib/train-table';
import { errorMessage } from '$shared/errors';
import { runTrial } from '../lib/trial';
import type { JobEvent, Table, TrialPhase, TuneApi } from '../protocol';
import { ensureBackend } from './backend';
import { imageTrial, textTrial } from './tune-media';

/** A warm worker keeps the last table it read: consecutive trials of a search reuse it. */
let cached: { datasetId: string; target: string; table: Table } | null = null;

/** Wall-clock milliseconds comparable across the page and its workers. */
const now = () => performance.timeOrigin + performance.now();

export const tuneHandlers: TuneApi = {
	async trainTrial(request, onEvent) {
		// Image and text trials train through their own run code (workers/ml/tune-media.ts).
		if (request.config.vision) return imageTrial(request, onEvent);
		if (request.config.text) return textTrial(request, onEvent);
		const phases: TrialPhase[] = [];
		let at = now();
		const phase = (name: string) => {
			const end = now();
			phases.push({ name, start: at, end });
			at = end;
		};
		const { backend, note } = await ensureBackend();
		onEvent({ type: 'backend', backend, note });
		phase('backend');
		if (cached?.datasetId !== request.datasetId || cached.target !== request.config.target) {
			const dataset = await getDataset(request.datasetId);
			// A yes/no target reads as its two classes, as the final training run reads it.
			cached = { datasetId: request.datasetId, target: request.config.target, table: booleanTargetAsClasses(await loadTable(dataset), request.config.target, dataset.columns) };
		}
		phase('dataset');
		// A last-rung job that continues from nothing cannot use a checkpoint (last rungs store none):
		// not reading saves a transaction that queues behind the page's trial writes.
		const checkpoint = request.lastRung && !request.resumeFrom ? null : await getTrialCheckpoint(request.searchId, request.trialId);
		phase('checkpoint-read');
		// The loop's own events mark its stretches: the first batch ends the setup (encoding, model
		// build, checkpoint restore), the last epoch's metric ends the epochs, `done` the finish.
		let lastMetric = 0;
		const timed = (event: JobEvent) => {
			if (event.type === 'progress' && phases.at(-1)?.name === 'checkpoint-read') phase('setup');
			else if (event.type === 'metric') lastMetric = now();
			onEvent(event);
		};
		const outcome = await runTrial(cached.table, request, {
			checkpoint,
			onEvent: timed,
			saveCheckpoint: async (c) => {
				if (lastMetric > at) {
					phases.push({ name: 'epochs', start: at, end: lastMetric });
					at = lastMetric;
				}
				phase('capture');
				// Without it a promotion retrains from the start (same result, more time): say so, go on.
				try {
					await saveTrialCheckpoint(request.searchId, request.trialId, c);
				} catch (error) {
					onEvent({ type: 'checkpoint', epoch: c.epoch, problem: errorMessage(error) });
				}
				phase('checkpoint-write');
			}
		});
		if (lastMetric > at) {
			phases.push({ name: 'epochs', start: at, end: lastMetric });
			at = lastMetric;
		}
		phase('finish');
		return { ...outcome, phases };
	}
};
