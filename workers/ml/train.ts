import * as Comlink from 'comlink';
import { getCheckpoint, getDataset, getPipeline, loadTable, saveCheckpoint } from '$lib/db';
import { errorMessage, KilnError } from '$shared/errors';
import { parsePipeline } from '../lib/data/pipeline';
import { trainModel } from '../lib/train';
import { trainClassic } from '../lib/model-lab/train-classic';
import { booleanTargetAsClasses, inputColumns } from '../lib/train-table';
import type { TrainApi, TrainConfig } from '../protocol';
import { ensureBackend } from './backend';
import { trainText } from './text';

/** A closed tab loses at most this much training. */
const CHECKPOINT_MS = 2000;

/**
 * The classic families fit on the built-in encoding and the three-way holdout split; a pipeline,
 * k-fold / group / time splits and class balancing are wired for the networks only so far, and
 * are refused by name rather than ignored.
 */
function classicSupports(config: TrainConfig, pipelineId: string | undefined): void {
	const unsupported = [pipelineId && 'a Prepare pipeline', config.split && config.split.kind !== 'holdout' && `a ${config.split.kind} split`, config.balance && config.balance !== 'none' && 'class balancing'].filter(Boolean);
	if (unsupported.length) throw new KilnError('TrainingError', `This model family trains on the built-in encoding with a holdout split for now; it cannot use ${unsupported.join(', ')}. Choose the MLP or the linear layer for that, or turn it off.`);
}

export const trainHandlers: TrainApi = {
	async train(request, onEvent) {
		if (request.config.text) return trainText(request, onEvent);
		const { runId, datasetId, config, resume, pipelineId } = request;
		const { backend, note } = await ensureBackend();
		onEvent({ type: 'backend', backend, note });
		if (note) onEvent({ type: 'log', message: note });
		const dataset = await getDataset(datasetId);
		const table = booleanTargetAsClasses(await loadTable(dataset), config.target, dataset.columns);
		if (config.classic) {
			classicSupports(config, pipelineId);
			const fitted = await trainClassic(table, config, { onEvent });
			const inputs = inputColumns(config.features, dataset.columns);
			return Comlink.transfer({ ...fitted, inputs, ...(dataset.missing ? { missing: dataset.missing } : {}) }, [fitted.model.weightData]);
		}
		const pipeline = pipelineId ? parsePipeline((await getPipeline(pipelineId)).pipeline) : undefined;
		const checkpoint = resume ? (await getCheckpoint(runId)).checkpoint : undefined;
		const result = await trainModel(table, config, {
			onEvent,
			resume: checkpoint,
			pipeline,
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
		const inputs = inputColumns(result.pipeline?.inputs.map((c) => c.name) ?? config.features, dataset.columns);
		return Comlink.transfer({ ...result, inputs, ...(dataset.missing ? { missing: dataset.missing } : {}) }, [result.model.weightData]);
	}
};
