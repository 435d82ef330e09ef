import { getDataset, loadTable } from '$lib/db';
import { crossValidate } from '../lib/model-lab/cross-validate';
import type { ModelSearchApi } from '../protocol';

export const modelSearchHandlers: ModelSearchApi = {
	async crossValidate({ datasetId, config, folds }, onProgress) {
		const table = await loadTable(await getDataset(datasetId));
		return crossValidate(table, config, folds, { onProgress });
	}
};
