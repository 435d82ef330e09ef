import type { ModelArtifacts, ModelImportances, Preprocessing } from '$workers/protocol';
import { classicFromArtifacts } from './artifacts';
import type { FittedPipeline } from '$workers/lib/data/pipeline';
import { featureGroups } from '$workers/lib/evaluate/groups';
import { importances, predictClassic } from '$workers/lib/models';
import type { ClassicModel } from '$workers/lib/models/types';

/** Floor for log-probabilities, so a class a tree gives 0 stays finite as a logit. */
const LOG_FLOOR = Math.log(1e-12);

/**
 * A classic model's outputs in the form the networks give them (the seam evaluation, metrics and
 * scores read): class logits whose softmax is the model's probabilities (log p), or the
 * standardised value for regression (classic models are fitted on standardised targets).
 */
export function classicRawOutputs(model: ClassicModel, x: Float32Array, n: number): Float32Array {
	const out = predictClassic(model, x, n);
	if (model.task === 'regression') return out;
	for (let i = 0; i < out.length; i++) out[i] = out[i] > 0 ? Math.max(Math.log(out[i]), LOG_FLOOR) : LOG_FLOOR;
	return out;
}

/** Encoded inputs per column: the built-in encoding's groups, or a fitted pipeline's feature blocks in matrix order. */
function inputGroups(encoding: Preprocessing | FittedPipeline): { name: string; indices: number[] }[] {
	if (!('format' in encoding)) return featureGroups(encoding);
	let offset = 0;
	return encoding.features.map((f) => {
		const indices = f.names.map((_, i) => offset + i);
		offset += f.names.length;
		return { name: f.step.column, indices };
	});
}

/** The model's own importances summed per original column (a one-hot block counts once, as do several encodings of one column), largest first; null for kNN and naive Bayes. */
export function columnImportances(model: ClassicModel, encoding: Preprocessing | FittedPipeline): ModelImportances | null {
	const raw = importances(model);
	if (!raw) return null;
	const sums = new Map<string, number>();
	for (const g of inputGroups(encoding)) sums.set(g.name, (sums.get(g.name) ?? 0) + g.indices.reduce((sum, i) => sum + (raw[i] ?? 0), 0));
	const columns = [...sums].map(([name, value]) => ({ name, value }));
	columns.sort((a, b) => b.value - a.value);
	const method = model.family === 'linear' ? 'coefficients' : model.family === 'boosting' ? 'gain' : 'impurity';
	return { method, columns };
}

/** Raw outputs of a stored classic model (see classicRawOutputs). */
export function classicOutputs(artifacts: ModelArtifacts, x: Float32Array, n: number): Float32Array {
	return classicRawOutputs(classicFromArtifacts(artifacts), x, n);
}
