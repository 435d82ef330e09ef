import { KilnError } from '$shared/errors';
import { findColumn } from '$shared/table';
import type { ExampleFeature, Preprocessing, Table } from '$workers/protocol';
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

export function classesOf(prep: Preprocessing, what: string): string[] {
	if (prep.target.task !== 'classification') throw new KilnError('ValidationError', `${what} needs a classification run; this run predicts a number.`);
	return prep.target.classes;
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
	const features: ExampleFeature[] = [];
	let offset = 0;
	for (const t of prep.features) {
		if (t.kind === 'numeric') {
			const a = before[offset] * t.std + t.mean;
			const b = after[offset] * t.std + t.mean;
			const delta = b - a;
			const changed = Math.abs(after[offset] - before[offset]) > 1e-6;
			features.push({ name: t.name, before: formatValue(a), after: changed ? `${formatValue(b)} (${delta >= 0 ? '+' : '−'}${formatValue(Math.abs(delta))})` : formatValue(b), changed });
			offset += 1;
		} else {
			const width = t.categories.length;
			const pick = (row: Float32Array) => {
				let best = -1;
				for (let i = 0; i < width; i++) if (row[offset + i] > 0.5 && (best < 0 || row[offset + i] > row[offset + best])) best = i;
				return best < 0 ? '(none)' : t.categories[best];
			};
			const a = pick(before);
			const b = pick(after);
			features.push({ name: t.name, before: a, after: b, changed: a !== b });
			offset += width;
		}
	}
	return features;
}
