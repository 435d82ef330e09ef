import { getModel } from '$lib/db';
import { KilnError } from '$shared/errors';
import { fromBlob } from '../lib/data/import';
import { predictTable } from '../lib/predict';
import { PREVIEW_ROWS, predictionTable, toCsv } from '../lib/predict-file';
import { modelEncoding, modelInputColumns, readFormRows, readPredictionFile } from '../lib/predict-input';
import type { PredictApi } from '../protocol';
import { ensureBackend } from './backend';

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
		const { table, end, warnings } = await readPredictionFile(fromBlob(file, fileName), inputs, model.missing);
		const result = await predictTable(model.artifacts, encoding, table);
		const target = 'format' in encoding ? encoding.target! : encoding.target;
		const { header, rows } = predictionTable(table, end.columns.map((c) => c.name), target, result, end.columns);
		if (rows.length === 0) throw new KilnError('SchemaMismatchError', `${fileName} has no rows to predict.`);
		return { rowCount: rows.length, header, preview: rows.slice(0, PREVIEW_ROWS), warnings: [...warnings, ...result.warnings], csv: new Blob([toCsv(header, rows)], { type: 'text/csv' }) };
	}
};
