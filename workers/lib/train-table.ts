import type { InputColumn, Table } from '../protocol';

/** What training needs to know of a stored column beyond its values (a StoredColumn, as plain data). */
export interface ColumnMeaning {
	name: string;
	kind: 'numeric' | 'categorical';
	semantic?: InputColumn['semantic'];
	booleanLabels?: [string, string];
	dateOrder?: InputColumn['dateOrder'];
}

/**
 * A yes/no target is stored as 0/1 numbers (so its mean is a rate); a classifier should name its
 * classes as the file did, so such a target becomes a two-category column ("no", "yes").
 */
export function booleanTargetAsClasses(table: Table, target: string, columns: readonly ColumnMeaning[]): Table {
	const meaning = columns.find((c) => c.name === target);
	const labels = meaning?.semantic === 'boolean' ? (meaning.booleanLabels ?? ['false', 'true']) : null;
	if (!labels) return table;
	return {
		rowCount: table.rowCount,
		columns: table.columns.map((c) => {
			if (c.name !== target || c.kind !== 'numeric') return c;
			const codes = new Int32Array(c.values.length);
			for (let i = 0; i < codes.length; i++) codes[i] = Number.isNaN(c.values[i]) ? -1 : c.values[i] === 1 ? 1 : 0;
			return { name: c.name, kind: 'categorical', categories: [...labels], codes };
		})
	};
}

/**
 * The target as a stored model was trained on it. Private, reweighed and adversarial runs made
 * before 2026-11-26 read a yes/no target as its 0/1 numbers (classes "0" and "1"); they are read
 * that way again so their audits and evaluations still match their classes.
 */
export function targetAsTrained(table: Table, target: string, columns: readonly ColumnMeaning[], classes?: readonly string[]): Table {
	if (classes && classes.length > 0 && classes.every((c) => c === '0' || c === '1')) return table;
	return booleanTargetAsClasses(table, target, columns);
}

/** The raw columns a model reads, with the types they were imported as (for reading prediction files the same way). */
export function inputColumns(names: readonly string[], columns: readonly ColumnMeaning[]): InputColumn[] {
	return names.flatMap((name) => {
		const c = columns.find((m) => m.name === name);
		return c ? [{ name, kind: c.kind, ...(c.semantic ? { semantic: c.semantic } : {}), ...(c.dateOrder ? { dateOrder: c.dateOrder } : {}) }] : [];
	});
}
