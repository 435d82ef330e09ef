import type { InferenceSession } from 'onnxruntime-web';
import type { ModelRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import type { FilePrediction, Preprocessing } from '../protocol';
import { fromBlob } from '../lib/data/import';
import { PREVIEW_ROWS, predictionTable, toCsv } from '../lib/predict-file';
import { modelInputColumns, readPredictionFile } from '../lib/predict-input';
import { predictOnnx } from '../lib/ship-run/predict-onnx';
import type { OrtRuntime } from '../lib/ship';

/**
 * A file of rows predicted through the exported ONNX pipeline in onnxruntime-web: read with the
 * same importer and column checks as the tfjs path, written as the same CSV.
 */
export async function predictFileOnnx(ort: OrtRuntime, session: InferenceSession, prep: Preprocessing, numericType: 'float' | 'double', stored: ModelRecord, file: Blob, fileName: string): Promise<FilePrediction> {
	const { table, end, warnings } = await readPredictionFile(fromBlob(file, fileName), modelInputColumns(stored), stored.missing);
	const result = await predictOnnx(ort, session, prep, table, numericType);
	const { header, rows } = predictionTable(table, end.columns.map((c) => c.name), prep.target, result, end.columns);
	if (rows.length === 0) throw new KilnError('SchemaMismatchError', `${fileName} has no rows to predict.`);
	return { rowCount: rows.length, header, preview: rows.slice(0, PREVIEW_ROWS), warnings: [...warnings, ...result.warnings], csv: new Blob([toCsv(header, rows)], { type: 'text/csv' }) };
}
