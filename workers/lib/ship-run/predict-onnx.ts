import type { InferenceSession } from 'onnxruntime-web';
import type { Preprocessing, PredictResult, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { pipelineFeeds, type OrtRuntime } from '$workers/lib/ship';
import { feedTensors } from './export-run';

/**
 * Predict table rows with an exported pipeline graph in onnxruntime: raw values in, labels (and
 * probabilities) or predictions in the target's units out — the same result shape as the tfjs
 * path, so the Predict page shows either.
 */
export async function predictOnnx(ort: OrtRuntime, session: InferenceSession, prep: Preprocessing, table: Table, numericType: 'float' | 'double' = 'float'): Promise<PredictResult> {
	if (table.rowCount === 0) throw new KilnError('SchemaMismatchError', 'There are no rows to predict.');
	const rows = Int32Array.from({ length: table.rowCount }, (_, i) => i);
	const inputs = feedTensors(ort, pipelineFeeds(prep, table, rows, numericType));
	const target = prep.target;
	if (target.task === 'classification') {
		const result = await session.run(inputs, ['probabilities', 'label']);
		const p = result.probabilities.data as Float32Array;
		const k = target.classes.length;
		const probabilities = Array.from({ length: table.rowCount }, (_, r) => Array.from(p.subarray(r * k, (r + 1) * k)));
		return { predictions: Array.from(result.label.data as string[], String), probabilities, warnings: [] };
	}
	const result = await session.run(inputs, ['prediction']);
	return { predictions: Array.from(result.prediction.data as Float32Array, (v) => String(v)), warnings: [] };
}
