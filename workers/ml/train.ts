import * as Comlink from 'comlink';
import { getCheckpoint, getDataset, loadTable, saveCheckpoint } from '$lib/db';
import { errorMessage } from '$shared/errors';
import { trainModel } from '../lib/train';
import type { TrainApi } from '../protocol';
import { ensureBackend } from './backend';
import { trainText } from './text';

/** A closed tab loses at most this much training. */
const CHECKPOINT_MS = 2000;

export const trainHandlers: TrainApi = {
	async train(request, onEvent) {
		if (request.config.text) return trainText(request, onEvent);
		const { runId, datasetId, config, resume } = request;
		const { backend, note } = await ensureBackend();
		onEvent({ type: 'backend', backend, note });
		if (note) onEvent({ type: 'log', message: note });
		const table = await loadTable(await getDataset(datasetId));
		const checkpoint = resume ? (await getCheckpoint(runId)).checkpoint : undefined;
		const result = await trainModel(table, config, {
			onEvent,
			resume: checkpoint,
			checkpointInterval: CHECKPOINT_MS,
			onCheckpoint: async (c) => {
				// A failed checkpoint write (a full disk) must not stop training; the page says so.
				try {
					if (await saveCheckpoint(runId, c)) onEvent({ type: 'checkpoint', epoch: c.epoch });
				} catch (error) {
					onEvent({ type: 'checkpoint', epoch: c.epoch, problem: errorMessage(error) });
				}
			}
		});
		return Comlink.transfer(result, [result.model.weightData]);
	}
};
