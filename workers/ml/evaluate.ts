import { getDataset, getModel, loadTable } from '$lib/db';
import { explainRow, evaluateRun } from '../lib/run-evaluation';
import { modelInputColumns, readFormRows } from '../lib/predict-input';
import { targetAsTrained } from '../lib/train-table';
import type { EvaluateApi } from '../protocol';
import { ensureBackend } from './backend';
import { isTextRunArtifacts } from './text-artifacts';
import { evaluateTextRun } from './text-evaluate';

// Any stored run (built-in encoding or a fitted pipeline, a network or a classic family) is read through workers/lib/run-model.

export const evaluateHandlers: EvaluateApi = {
	async evaluateRun({ runId, datasetId, modelId, config }, onProgress) {
		const [model, dataset] = await Promise.all([getModel(modelId), getDataset(datasetId)]);
		if (isTextRunArtifacts(model.artifacts)) return evaluateTextRun({ runId, datasetId, modelId, config }, model, onProgress);
		await ensureBackend();
		// The target as training read it (a yes/no column becomes two classes).
		const trained = model.preprocessing?.target;
		const table = targetAsTrained(await loadTable(dataset), config.target, dataset.columns, trained?.task === 'classification' ? trained.classes : undefined);
		return evaluateRun(table, config, model, runId, { onProgress: (fraction, label) => onProgress?.({ fraction, label }) });
	},
	async explainPrediction(modelId, row) {
		const model = await getModel(modelId);
		await ensureBackend();
		return explainRow(model, await readFormRows(modelInputColumns(model), [row], model.missing));
	}
};
