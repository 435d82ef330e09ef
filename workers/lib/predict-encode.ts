import type { Preprocessing, PredictResult, Table, TargetTransform } from '../protocol';
import { KilnError } from '$shared/errors';
import { applyPipeline, type FittedPipeline } from './data/pipeline';
import { encodeFeatures } from './preprocess';
import { softmaxRows } from './softmax-rows';

/** The encoding a stored model carries: its fitted pipeline, or (models trained before pipelines) the built-in preprocessing. */
export type ModelEncoding = Preprocessing | FittedPipeline;

export function isFittedPipeline(encoding: ModelEncoding): encoding is FittedPipeline {
	return 'format' in encoding;
}

/** The table's rows encoded as the model's training encoded its rows, with the target's decoding. */
export function encodeForModel(encoding: ModelEncoding, table: Table): { x: Float32Array; width: number; target: TargetTransform; warnings: string[] } {
	if (isFittedPipeline(encoding)) {
		if (!encoding.target) throw new KilnError('ModelFormatError', 'This model\'s pipeline has no target; it cannot predict.');
		const applied = applyPipeline(encoding, table);
		return { x: applied.x, width: applied.width, target: encoding.target, warnings: applied.warnings.map((w) => w.message) };
	}
	const rows = Int32Array.from({ length: table.rowCount }, (_, i) => i);
	const { x, unknownCategories } = encodeFeatures(table, encoding, rows);
	const warnings = unknownCategories > 0 ? [`${unknownCategories} cell${unknownCategories === 1 ? '' : 's'} held a category the model has no input for (never seen in training, or too rare); they count as "none of the known categories".`] : [];
	return { x, width: encoding.inputSize, target: encoding.target, warnings };
}

/** Model outputs (logits, a classic model's scores, or the standardised value) → labels and probabilities, or values in the target's units. */
export function decodeOutputs(out: Float32Array, target: TargetTransform, warnings: string[]): PredictResult {
	if (target.task === 'classification') {
		const probabilities = softmaxRows(out, target.classes.length);
		const predictions = probabilities.map((p) => target.classes[p.indexOf(Math.max(...p))]);
		return { predictions, probabilities, warnings };
	}
	return { predictions: Array.from(out, (v) => String(v * target.std + target.mean)), warnings };
}
