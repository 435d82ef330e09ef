import { getDataset, getModel, loadTable } from '$lib/db';
import { explainRow, evaluateRun } from '../lib/run-evaluation';
import { modelInputColumns, readFormRows } from '../lib/predict-input';
import type { EvaluateApi } from '../protocol';
import { ensureBackend } from './backend';

// Any stored run (built-in encoding or a fitted pipeline, a network or a classic family) is read through workers/lib/run-model.

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
		return explainRow(model, await readFormRows(modelInputColumns(model), [row], model.missing));
	}
};
