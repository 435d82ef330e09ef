import { KilnError } from '$shared/errors';
import { findColumn } from '$shared/table';
import type { ExampleFeature, Preprocessing, Table, TargetTransform } from '$workers/protocol';
import { featureGroups, type FeatureGroup } from '$workers/lib/evaluate/groups';
import type { SensitiveColumn } from '$workers/lib/trust/types';

/** Most distinct numbers a numeric column may have to count as groups (e.g. a 0/1 code). */
export const MAX_NUMERIC_GROUPS = 20;

/** The group label of each of `rows` in each sensitive column (null where missing). */
export function sensitiveValues(table: Table, names: string[], rows: ArrayLike<number>): SensitiveColumn[] {
	return names.map((name) => {
		const column = findColumn(table, name);
		if (column.kind === 'categorical') return { name, values: Array.from(rows, (r) => (column.codes[r] < 0 ? null : column.categories[column.codes[r]])) };
		const distinct = new Set<number>();
		for (const v of column.values) if (!Number.isNaN(v)) distinct.add(v);
		if (distinct.size > MAX_NUMERIC_GROUPS) {
			throw new KilnError('ValidationError', `"${name}" holds ${distinct.size} different numbers, so it does not name groups; a sensitive column needs categories (or at most ${MAX_NUMERIC_GROUPS} distinct numbers). Bin it into groups first.`);
		}
		return { name, values: Array.from(rows, (r) => (Number.isNaN(column.values[r]) ? null : String(column.values[r]))) };
	});
}

export function argmaxFlat(values: Float32Array, k: number): Int32Array {
	const out = new Int32Array(values.length / k);
	for (let r = 0; r < out.length; r++) {
		let best = 0;
		for (let c = 1; c < k; c++) if (values[r * k + c] > values[r * k + best]) best = c;
		out[r] = best;
	}
	return out;
}

/** The classes of a model's target (a Preprocessing, a fitted pipeline or the target itself). */
export function classesOf(encoding: Preprocessing | TargetTransform | { target: TargetTransform }, what: string): string[] {
	const target = 'task' in encoding ? encoding : encoding.target;
	if (target.task !== 'classification') throw new KilnError('ValidationError', `${what} needs a classification run; this run predicts a number.`);
	return target.classes;
}

export function formatValue(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	const abs = Math.abs(value);
	if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(3);
	return String(Number(value.toPrecision(4)));
}

/**
 * One encoded row before and after a perturbation, back in the data's own units: numbers
 * un-standardised, a one-hot block read as its most likely category.
 */
export function decodeExample(prep: Preprocessing, before: Float32Array, after: Float32Array): ExampleFeature[] {
	return decodeGroups(featureGroups(prep), before, after);
}

/**
 * The same for any encoding, per feature group: a scaled number back in its units (a number
 * without a scale, such as an ordinal code, in encoded units), a category block read as its most
 * likely category, a multi-input block (TF-IDF) as how many of its inputs moved.
 */
export function decodeGroups(groups: FeatureGroup[], before: Float32Array, after: Float32Array): ExampleFeature[] {
	return groups.map((g) => {
		if (g.kind === 'numeric' && g.indices.length === 1) {
			const at = g.indices[0];
			const [std, mean] = [g.std ?? 1, g.mean ?? 0];
			const a = before[at] * std + mean;
			const b = after[at] * std + mean;
			const delta = b - a;
			const changed = Math.abs(after[at] - before[at]) > 1e-6;
			return { name: g.name, before: formatValue(a), after: changed ? `${formatValue(b)} (${delta >= 0 ? '+' : '−'}${formatValue(Math.abs(delta))})` : formatValue(b), changed };
		}
		if (g.kind === 'numeric') {
			const moved = g.indices.filter((i) => Math.abs(after[i] - before[i]) > 1e-6).length;
			return { name: g.name, before: `${g.indices.length} inputs`, after: moved > 0 ? `${moved} of ${g.indices.length} inputs moved` : `${g.indices.length} inputs`, changed: moved > 0 };
		}
		const pick = (row: Float32Array) => {
			let best = -1;
			g.indices.forEach((at, i) => {
				if (row[at] > 0.5 && (best < 0 || row[at] > row[g.indices[best]])) best = i;
			});
			return best < 0 ? '(none)' : (g.categories?.[best] ?? String(best));
		};
		const a = pick(before);
		const b = pick(after);
		return { name: g.name, before: a, after: b, changed: a !== b };
	});
}
