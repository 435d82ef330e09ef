import { getModel } from '$lib/db';
import { fromBlob } from '../lib/data/import';
import { predictTable } from '../lib/predict';
import { modelEncoding, modelInputColumns, readFormRows, readPredictionFile } from '../lib/predict-input';
import type { PredictApi } from '../protocol';
import { ensureBackend } from './backend';
import { predictedFile } from './predicted-file';

async function loadModel(modelId: string) {
	const model = await getModel(modelId);
	await ensureBackend();
	return { model, encoding: modelEncoding(model), inputs: modelInputColumns(model) };
}

export const predictHandlers: PredictApi = {
	async predictRows(modelId, rows) {
		const { model, encoding, inputs } = await loadModel(modelId);
		return predictTable(model.artifacts, encoding, await readFormRows(inputs, rows, model.missing));
	},
	async predictFile(modelId, file, fileName) {
		const { model, encoding, inputs } = await loadModel(modelId);
		// The same streaming importer as datasets, so any format and encoding reads the same way.
		const read = await readPredictionFile(fromBlob(file, fileName), inputs, model.missing);
		const result = await predictTable(model.artifacts, encoding, read.table);
		return predictedFile(model, read, 'format' in encoding ? encoding.target! : encoding.target, result, fileName);
	}
};
