import { featureGroups, type FeatureGroup } from '$workers/lib/evaluate/groups';
import type { FittedPipeline } from '$workers/lib/data/pipeline';
import { isFittedPipeline, type ModelEncoding } from '$workers/lib/predict';

/**
 * The encoded inputs of each column the model reads, in matrix order. A pipeline's scaled
 * numbers keep their centre and scale so plots show the data's own units; one-hot and hashing
 * blocks are categories; an ordinal code is a number in code units; a TF-IDF block is one
 * multi-input group (permuted together; partial dependence skips it). A pipeline encodes each
 * column once, so groups never overlap.
 */
export function encodingGroups(encoding: ModelEncoding): FeatureGroup[] {
	if (!isFittedPipeline(encoding)) return featureGroups(encoding);
	return pipelineGroups(encoding);
}

function pipelineGroups(fitted: FittedPipeline): FeatureGroup[] {
	const groups: FeatureGroup[] = [];
	let offset = 0;
	for (const { step, params, names } of fitted.features) {
		const indices = names.map((_, i) => offset + i);
		offset += names.length;
		if (step.kind === 'scale') {
			const { center, scale } = params as { center: number; scale: number };
			groups.push({ name: step.column, kind: 'numeric', indices, mean: center, std: scale });
		} else if (step.kind === 'one-hot' || step.kind === 'hashing') {
			const prefix = step.kind === 'one-hot' ? `${step.column}=` : '';
			groups.push({ name: step.column, kind: 'categorical', indices, categories: names.map((n) => (prefix && n.startsWith(prefix) ? n.slice(prefix.length) : n)) });
		} else {
			groups.push({ name: step.column, kind: 'numeric', indices });
		}
	}
	return groups;
}

/** Whether partial dependence can vary a group: one numeric input, or a category block. */
export function variesAlone(group: FeatureGroup): boolean {
	return group.kind === 'categorical' || group.indices.length === 1;
}

/** The raw table columns a person reads the rows by (slices, worst rows): the encoding's inputs, without the target. */
export function readableColumns(encoding: ModelEncoding, target: string): string[] {
	if (!isFittedPipeline(encoding)) return encoding.features.map((f) => f.name);
	return encoding.inputs.map((c) => c.name).filter((name) => name !== target && name !== encoding.target?.name);
}

/**
 * The row integrated gradients start from: every number at the value a missing cell gets (the
 * training mean; the median for robust scaling) and no category (an ordinal code, which has no
 * "none", at its most frequent one). For the built-in encoding that is the all-zeros row.
 */
export function referenceRow(encoding: ModelEncoding): Float32Array {
	const row = new Float32Array(encoding.inputSize);
	if (!isFittedPipeline(encoding)) return row;
	let offset = 0;
	for (const { step, params, names } of encoding.features) {
		if (step.kind === 'scale') {
			const { center, scale, fill } = params as { center: number; scale: number; fill: number };
			row[offset] = (fill - center) / scale;
		} else if (step.kind === 'ordinal') row[offset] = Math.max(0, params.fill as number);
		offset += names.length;
	}
	return row;
}
