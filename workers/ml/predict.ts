import { getModel } from '$lib/db';
import { KilnError } from '$shared/errors';
import { parseCsv } from '../lib/csv';
import { predictTable } from '../lib/predict';
import { PREVIEW_ROWS, predictionTable, toCsv } from '../lib/predict-file';
import { rowsTable } from '../lib/rows-table';
import type { PredictApi } from '../protocol';
import { ensureBackend } from './backend';

async function loadModel(modelId: string) {
	const model = await getModel(modelId);
	await ensureBackend();
	return model;
}

export const predictHandlers: PredictApi = {
	async predictRows(modelId, rows) {
		const model = await loadModel(modelId);
		return predictTable(model.artifacts, model.preprocessing, rowsTable(model.preprocessing.features, rows));
	},
	async predictFile(modelId, file, fileName) {
		const model = await loadModel(modelId);
		const expected = model.preprocessing.features.map((f) => ({ name: f.name, kind: f.kind }));
		const parsed = parseCsv(await file.arrayBuffer(), fileName, { expected, keepOtherColumns: true });
		const result = await predictTable(model.artifacts, model.preprocessing, parsed.table);
		const { header, rows } = predictionTable(parsed.table, parsed.header, model.preprocessing, result);
		if (rows.length === 0) throw new KilnError('SchemaMismatchError', `${fileName} has no rows to predict.`);
		return { rowCount: rows.length, header, preview: rows.slice(0, PREVIEW_ROWS), warnings: result.warnings, csv: new Blob([toCsv(header, rows)], { type: 'text/csv' }) };
	}
};
