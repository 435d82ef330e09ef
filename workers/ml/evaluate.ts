import { getDataset, getModel, loadTable } from '$lib/db';
import { explainRow, evaluateRun } from '../lib/run-evaluation';
import { rowsTable } from '../lib/rows-table';
import type { EvaluateApi } from '../protocol';
import { ensureBackend } from './backend';

export const evaluateHandlers: EvaluateApi = {
	async evaluateRun({ runId, datasetId, modelId, config }, onProgress) {
		const [model, dataset] = await Promise.all([getModel(modelId), getDataset(datasetId)]);
		await ensureBackend();
		const table = await loadTable(dataset);
		return evaluateRun(table, config, model, runId, { onProgress: (fraction, label) => onProgress?.({ fraction, label }) });
	},
	async explainPrediction(modelId, row) {
		const model = await getModel(modelId);
		await ensureBackend();
		return explainRow(model, rowsTable(model.preprocessing.features, [row]));
	}
};
