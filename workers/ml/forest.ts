import * as Comlink from 'comlink';
import { getDataset, getPipeline, loadTable } from '$lib/db';
import { parsePipeline } from '../lib/data/pipeline';
import { fitForestShare, shareBuffers } from '../lib/model-lab/forest-share';
import { trainClassic } from '../lib/model-lab/train-classic';
import { booleanTargetAsClasses, inputColumns } from '../lib/train-table';
import type { ForestApi, TrainRequest } from '../protocol';
import { ensureBackend } from './backend';

/** The run's table (a yes/no target read as two classes, as training does) and its pipeline. */
async function runInputs({ datasetId, config, pipelineId }: TrainRequest) {
	const dataset = await getDataset(datasetId);
	const table = booleanTargetAsClasses(await loadTable(dataset), config.target, dataset.columns);
	const pipeline = pipelineId ? parsePipeline((await getPipeline(pipelineId)).pipeline) : undefined;
	return { dataset, table, pipeline };
}

/** Progress at most every 100 ms: a share reports after every tree. */
function throttled(onProgress: (fraction: number) => void): (fraction: number) => void {
	let last = -Infinity;
	return (fraction) => {
		const now = performance.now();
		if (now - last < 100 && fraction < 1) return;
		last = now;
		onProgress(fraction);
	};
}

export const forestHandlers: ForestApi = {
	async fitForestShare({ train, from, to }, onProgress) {
		const { table, pipeline } = await runInputs(train);
		const share = fitForestShare(table, train.config, from, to, { pipeline, onProgress: throttled(onProgress) });
		return Comlink.transfer(share, shareBuffers([share]));
	},
	async trainForest(request, shares, onEvent) {
		const { backend, note } = await ensureBackend();
		onEvent({ type: 'backend', backend, note });
		const { dataset, table, pipeline } = await runInputs(request);
		const fitted = await trainClassic(table, request.config, { onEvent, pipeline, forestShares: shares });
		const inputs = inputColumns(fitted.pipeline?.inputs.map((c) => c.name) ?? request.config.features, dataset.columns);
		return Comlink.transfer({ ...fitted, inputs, ...(dataset.missing ? { missing: dataset.missing } : {}) }, [fitted.model.weightData]);
	}
};
