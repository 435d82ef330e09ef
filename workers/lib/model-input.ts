import type { ModelArtifacts, Preprocessing, Table } from '../protocol';
import { encodeRows, encodeTargetRows, transformTable, type FittedPipeline } from './data/pipeline';
import { encodeFeatures, encodeTarget } from './preprocess';
import { deserializeModel, forward } from './model';
import { isClassicArtifacts } from './model-lab/artifacts';
import { classicOutputs } from './model-lab/outputs';

/** What a stored model needs to turn table rows into its inputs: its fitted pipeline, or (older models) the built-in preprocessing. */
export interface ModelInputSpec {
	preprocessing?: Preprocessing;
	pipeline?: FittedPipeline;
}

/**
 * The one seam between stored data and a model's inputs: evaluation, explanations, exports and
 * audits encode rows through here. A model with a fitted pipeline replays its table steps in
 * prediction mode (every row kept, so `rows` index the given table) and its encodings; an older
 * model uses the preprocessing it was trained with, exactly as before.
 */
export function modelInputs(spec: ModelInputSpec, table: Table, rows: ArrayLike<number>, withTarget = true): { x: Float32Array; y: Int32Array | Float32Array | null; width: number; unknownCategories: number } {
	const pipeline = spec.pipeline && (spec.pipeline.steps.length > 0 || !spec.preprocessing) ? spec.pipeline : null;
	if (pipeline) {
		const transformed = transformTable(pipeline, table, { mode: 'predict' }).table;
		const { x, width, unknownCategories } = encodeRows(pipeline, transformed, rows);
		// Steps that change the target are training-only, so the target is read as the table holds it.
		const target = pipeline.target;
		const y = withTarget && target ? encodeTargetRows(target, transformed.columns.some((c) => c.name === target.name) ? transformed : table, rows) : null;
		return { x, y, width, unknownCategories };
	}
	if (!spec.preprocessing) throw new Error('A model needs a fitted pipeline or preprocessing to encode rows.');
	const { x, unknownCategories } = encodeFeatures(table, spec.preprocessing, rows);
	return { x, y: withTarget ? encodeTarget(table, spec.preprocessing, rows) : null, width: spec.preprocessing.inputSize, unknownCategories };
}

/** Raw model outputs (logits, or standardised values) for encoded rows; classic models give log-probabilities as logits. */
export async function modelOutputs(artifacts: ModelArtifacts, x: Float32Array, rows: number, width: number): Promise<Float32Array> {
	if (isClassicArtifacts(artifacts)) return classicOutputs(artifacts, x, rows);
	const model = await deserializeModel(artifacts);
	try {
		return await forward(model, x, rows, width);
	} finally {
		model.dispose();
	}
}
