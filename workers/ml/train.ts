import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import { getCheckpoint, getDataset, getPipeline, loadTable, saveCheckpoint } from '$lib/db';
import { errorMessage } from '$shared/errors';
import { parsePipeline } from '../lib/data/pipeline';
import { trainModel } from '../lib/train';
import { trainClassic } from '../lib/model-lab/train-classic';
import { booleanTargetAsClasses, inputColumns } from '../lib/train-table';
import type { TrainApi } from '../protocol';
import { ensureBackend } from './backend';
import { trainText } from './text';
import { startGemmThread, stopGemmThread } from '../lib/kernels/gemm-kernel';

/** A closed tab loses at most this much training. */
const CHECKPOINT_MS = 2000;

export const trainHandlers: TrainApi = {
	async train(request, onEvent) {
		if (request.config.text) return trainText(request, onEvent);
		const { runId, datasetId, config, resume, pipelineId } = request;
		const { backend, note } = await ensureBackend();
		onEvent({ type: 'backend', backend, note });
		if (note) onEvent({ type: 'log', message: note });
		const dataset = await getDataset(datasetId);
		const table = booleanTargetAsClasses(await loadTable(dataset), config.target, dataset.columns);
		const pipeline = pipelineId ? parsePipeline((await getPipeline(pipelineId)).pipeline) : undefined;
		if (config.classic) {
			const fitted = await trainClassic(table, config, { onEvent, pipeline });
			const inputs = inputColumns(fitted.pipeline?.inputs.map((c) => c.name) ?? config.features, dataset.columns);
			return Comlink.transfer({ ...fitted, inputs, ...(dataset.missing ? { missing: dataset.missing } : {}) }, [fitted.model.weightData]);
		}
		const checkpoint = resume ? (await getCheckpoint(runId)).checkpoint : undefined;
		// A lone network on wasm splits its big products with a helper thread (same bits); it ends with the run.
		const threaded = request.spareCore === true && backend === 'wasm' && startGemmThread(tf.backend());
		if (threaded) onEvent({ type: 'log', message: 'wasm: big matrix products shared with a second thread (no other job is running)' });
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
		}).finally(() => {
			if (threaded) stopGemmThread(tf.backend());
		});
		const inputs = inputColumns(result.pipeline?.inputs.map((c) => c.name) ?? config.features, dataset.columns);
		return Comlink.transfer({ ...result, inputs, ...(dataset.missing ? { missing: dataset.missing } : {}) }, [result.model.weightData]);
	}
};
