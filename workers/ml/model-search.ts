import { getDataset, getPipeline, loadTable } from '$lib/db';
import { parsePipeline } from '../lib/data/pipeline';
import { crossValidate } from '../lib/model-lab/cross-validate';
import { crossValidateMlp } from '../lib/model-lab/cross-validate-mlp';
import { booleanTargetAsClasses } from '../lib/train-table';
import type { ModelSearchApi } from '../protocol';
import { ensureBackend } from './backend';

export const modelSearchHandlers: ModelSearchApi = {
	async crossValidate({ datasetId, config, folds, pipelineId, repeats }, onProgress) {
		const dataset = await getDataset(datasetId);
		// A yes/no target reads as two classes, as training reads it, so a kept run matches its candidate.
		const table = booleanTargetAsClasses(await loadTable(dataset), config.target, dataset.columns);
		const pipeline = pipelineId ? parsePipeline((await getPipeline(pipelineId)).pipeline) : undefined;
		if (config.classic) return crossValidate(table, config, folds, { onProgress, pipeline, repeats });
		await ensureBackend();
		return crossValidateMlp(table, config, folds, { onProgress, pipeline, repeats });
	}
};
