import type { InferenceSession } from 'onnxruntime-web';
import type { ModelRecord } from '$lib/db';
import type { FilePrediction, Preprocessing } from '../protocol';
import { fromBlob } from '../lib/data/import';
import { predictedFile, type TrainingReference } from './predicted-file';
import { modelInputColumns, readPredictionFile } from '../lib/predict-input';
import { predictOnnx } from '../lib/ship-run/predict-onnx';
import type { OrtRuntime } from '../lib/ship';

/**
 * A file of rows predicted through the exported ONNX pipeline in onnxruntime-web: read with the
 * same importer and column checks as the tfjs path, written as the same CSV.
 */
export async function predictFileOnnx(ort: OrtRuntime, session: InferenceSession, prep: Preprocessing, numericType: 'float' | 'double', stored: ModelRecord, file: Blob, fileName: string, reference?: (model: ModelRecord) => Promise<TrainingReference | string>): Promise<FilePrediction> {
	const read = await readPredictionFile(fromBlob(file, fileName), modelInputColumns(stored), stored.missing);
	const result = await predictOnnx(ort, session, prep, read.table, numericType);
	return predictedFile(stored, read, prep.target, result, fileName, reference);
}
