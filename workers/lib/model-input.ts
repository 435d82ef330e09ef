import type { ModelArtifacts, Preprocessing, Table } from '../protocol';
import { encodeFeatures, encodeTarget } from './preprocess';
import { deserializeModel, forward } from './model';

/** What a stored model needs to turn table rows into its inputs (today: the fitted preprocessing). */
export interface ModelInputSpec {
	preprocessing: Preprocessing;
}

/**
 * The one seam between stored data and a model's inputs: evaluation, explanations, exports and
 * audits encode rows through here, so when a model carries a recorded pipeline instead of the
 * built-in preprocessing only this function changes.
 */
export function modelInputs(spec: ModelInputSpec, table: Table, rows: ArrayLike<number>, withTarget = true): { x: Float32Array; y: Int32Array | Float32Array | null; width: number; unknownCategories: number } {
	const { x, unknownCategories } = encodeFeatures(table, spec.preprocessing, rows);
	return { x, y: withTarget ? encodeTarget(table, spec.preprocessing, rows) : null, width: spec.preprocessing.inputSize, unknownCategories };
}

/** Raw model outputs (logits, or standardised values) for encoded rows. */
export async function modelOutputs(artifacts: ModelArtifacts, x: Float32Array, rows: number, width: number): Promise<Float32Array> {
	const model = await deserializeModel(artifacts);
	try {
		return await forward(model, x, rows, width);
	} finally {
		model.dispose();
	}
}
