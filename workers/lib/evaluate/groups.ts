import { KilnError } from '$shared/errors';
import type { Preprocessing } from '$workers/protocol';

/**
 * One original column and the encoded inputs it became: a numeric column is one standardised
 * input, a categorical column a one-hot block. Explanations permute, vary and sum per group so a
 * person reads them per column, not per one-hot slot.
 */
export interface FeatureGroup {
	name: string;
	kind: 'numeric' | 'categorical';
	/** Indices into the encoded feature row. */
	indices: number[];
	/** Categorical: the category each index stands for, in `indices` order. */
	categories?: string[];
	/** Numeric: undo standardisation for display (original = encoded · std + mean). */
	mean?: number;
	std?: number;
}

/** The groups of Kiln's own preprocessing, in encoding order. */
export function featureGroups(prep: Preprocessing): FeatureGroup[] {
	let offset = 0;
	return prep.features.map((f) => {
		if (f.kind === 'numeric') return { name: f.name, kind: 'numeric', indices: [offset++], mean: f.mean, std: f.std };
		const indices = f.categories.map((_, i) => offset + i);
		offset += f.categories.length;
		return { name: f.name, kind: 'categorical', indices, categories: [...f.categories] };
	});
}

export function checkGroups(groups: { name: string; indices: number[] }[], width: number): void {
	const seen = new Map<number, string>();
	for (const g of groups) {
		if (g.indices.length === 0) throw new KilnError('ValidationError', `Column "${g.name}" has no encoded inputs to explain.`);
		for (const i of g.indices) {
			if (!Number.isInteger(i) || i < 0 || i >= width) throw new KilnError('ValidationError', `Column "${g.name}" points at input ${i}, but the model has inputs 0 to ${width - 1}.`);
			const other = seen.get(i);
			if (other !== undefined) throw new KilnError('ValidationError', `Input ${i} belongs to both "${other}" and "${g.name}"; each input must belong to one column.`);
			seen.set(i, g.name);
		}
	}
}

/** Sum per-input attributions (n × width) into per-column attributions (n × groups). */
export function aggregateAttributions(attributions: Float32Array, width: number, groups: { name: string; indices: number[] }[]): Float32Array {
	checkGroups(groups, width);
	const n = attributions.length / width;
	const out = new Float32Array(n * groups.length);
	for (let r = 0; r < n; r++) {
		groups.forEach((g, j) => {
			let sum = 0;
			for (const i of g.indices) sum += attributions[r * width + i];
			out[r * groups.length + j] = sum;
		});
	}
	return out;
}
