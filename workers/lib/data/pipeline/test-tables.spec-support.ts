// Small hand-built tables for the pipeline specs (no CSV parsing, so each cell is exactly as written).
import type { Column, Table } from '$workers/protocol';

export function num(name: string, values: (number | null)[]): Column {
	return { name, kind: 'numeric', values: Float64Array.from(values, (v) => (v === null ? NaN : v)) };
}

export function cat(name: string, values: (string | null)[]): Column {
	const categories: string[] = [];
	const index = new Map<string, number>();
	const codes = Int32Array.from(values, (v) => {
		if (v === null) return -1;
		let code = index.get(v);
		if (code === undefined) {
			code = categories.length;
			categories.push(v);
			index.set(v, code);
		}
		return code;
	});
	return { name, kind: 'categorical', categories, codes };
}

export function table(...columns: Column[]): Table {
	const rowCount = columns[0].kind === 'numeric' ? columns[0].values.length : columns[0].codes.length;
	return { rowCount, columns };
}

/** A column's cells as plain values (null for missing), for readable assertions. */
export function cells(t: Table, name: string): (number | string | null)[] {
	const c = t.columns.find((col) => col.name === name);
	if (!c) throw new Error(`no column ${name}`);
	if (c.kind === 'numeric') return Array.from(c.values, (v) => (Number.isNaN(v) ? null : v));
	return Array.from(c.codes, (code) => (code < 0 ? null : c.categories[code]));
}

export const allRows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
