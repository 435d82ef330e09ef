import { getDataset, getModel, loadTable } from '$lib/db';
import { explainRow, evaluateRun } from '../lib/run-evaluation';
import { modelInputColumns, readFormRows } from '../lib/predict-input';
import type { ModelRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import type { EvaluateApi } from '../protocol';
import { ensureBackend } from './backend';
import { isTextRunArtifacts } from './text-artifacts';
import { evaluateTextRun } from './text-evaluate';

/** The evaluation suite and explanations read the built-in encoding; a recorded pipeline is not replayed there yet. */
function builtIn(model: ModelRecord): ModelRecord & { preprocessing: NonNullable<ModelRecord['preprocessing']> } {
	if (!model.preprocessing) throw new KilnError('ValidationError', 'This model was trained through a recorded pipeline; the evaluation suite and explanations read the built-in encoding only, for now (the run report has its holdout scores).');
	return { ...model, preprocessing: model.preprocessing };
}

export const evaluateHandlers: EvaluateApi = {
	async evaluateRun({ runId, datasetId, modelId, config }, onProgress) {
		const [stored, dataset] = await Promise.all([getModel(modelId), getDataset(datasetId)]);
		if (isTextRunArtifacts(stored.artifacts)) return evaluateTextRun({ runId, datasetId, modelId, config }, stored, onProgress);
		const model = builtIn(stored);
		await ensureBackend();
		const table = await loadTable(dataset);
		return evaluateRun(table, config, model, runId, { onProgress: (fraction, label) => onProgress?.({ fraction, label }) });
	},
	async explainPrediction(modelId, row) {
		const stored = await getModel(modelId);
		const model = builtIn(stored);
		await ensureBackend();
		return explainRow(model, await readFormRows(modelInputColumns(stored), [row], stored.missing));
	}
};
