import { getDataset, getTrialCheckpoint, loadTable, saveTrialCheckpoint } from '$lib/db';
import { booleanTargetAsClasses } from '../lib/train-table';
import { errorMessage } from '$shared/errors';
import { runTrial } from '../lib/trial';
import type { Table, TuneApi } from '../protocol';
import { ensureBackend } from './backend';
import { imageTrial, textTrial } from './tune-media';

/** A warm worker keeps the last table it read: consecutive trials of a search reuse it. */
let cached: { datasetId: string; target: string; table: Table } | null = null;

export const tuneHandlers: TuneApi = {
	async trainTrial(request, onEvent) {
		// Image and text trials train through their own run code (workers/ml/tune-media.ts).
		if (request.config.vision) return imageTrial(request, onEvent);
		if (request.config.text) return textTrial(request, onEvent);
		const { backend, note } = await ensureBackend();
		onEvent({ type: 'backend', backend, note });
		if (cached?.datasetId !== request.datasetId || cached.target !== request.config.target) {
			const dataset = await getDataset(request.datasetId);
			// A yes/no target reads as its two classes, as the final training run reads it.
			cached = { datasetId: request.datasetId, target: request.config.target, table: booleanTargetAsClasses(await loadTable(dataset), request.config.target, dataset.columns) };
		}
		const checkpoint = await getTrialCheckpoint(request.searchId, request.trialId);
		return runTrial(cached.table, request, {
			checkpoint,
			onEvent,
			saveCheckpoint: async (c) => {
				// Without it a promotion retrains from the start (same result, more time): say so, go on.
				try {
					await saveTrialCheckpoint(request.searchId, request.trialId, c);
				} catch (error) {
					onEvent({ type: 'checkpoint', epoch: c.epoch, problem: errorMessage(error) });
				}
			}
		});
	}
};
