import type { CategoricalColumn, Column, NumericColumn, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { didYouMean } from './expression/suggest';
import { mapToInt32 } from './typed';

/** Tables are never mutated: every step returns a new table sharing the columns it left alone. */

export function columnNames(table: Table): string[] {
	return table.columns.map((c) => c.name);
}

export function getColumn(table: Table, name: string): Column {
	const column = table.columns.find((c) => c.name === name);
	if (!column) throw new KilnError('PipelineError', `there is no column "${name}" at this point.${didYouMean(name, columnNames(table))}`);
	return column;
}

export function getNumeric(table: Table, name: string, why: string): NumericColumn {
	const column = getColumn(table, name);
	if (column.kind !== 'numeric') throw new KilnError('PipelineError', `column "${name}" holds text, but ${why} needs numbers. Cast it to numbers first.`);
	return column;
}

/** Replace the column of the same name in place, or append it. */
export function setColumn(table: Table, column: Column): Table {
	const at = table.columns.findIndex((c) => c.name === column.name);
	const columns = table.columns.slice();
	if (at >= 0) columns[at] = column;
	else columns.push(column);
	return { rowCount: table.rowCount, columns };
}

/** Put `column` right after `after` (or replace one of its name), keeping new columns near their source. */
export function insertAfter(table: Table, after: string, column: Column): Table {
	if (table.columns.some((c) => c.name === column.name)) return setColumn(table, column);
	const at = table.columns.findIndex((c) => c.name === after);
	const columns = table.columns.slice();
	columns.splice(at < 0 ? columns.length : at + 1, 0, column);
	return { rowCount: table.rowCount, columns };
}

export function removeColumns(table: Table, names: readonly string[]): Table {
	const drop = new Set(names);
	return { rowCount: table.rowCount, columns: table.columns.filter((c) => !drop.has(c.name)) };
}

/** The given rows, in that order, as a new table (category dictionaries shared). */
export function takeRows(table: Table, rows: ArrayLike<number>): Table {
	const n = rows.length;
	return {
		rowCount: n,
		columns: table.columns.map((c) => {
			if (c.kind === 'numeric') {
				const values = new Float64Array(n);
				for (let i = 0; i < n; i++) values[i] = c.values[rows[i]];
				return { ...c, values };
			}
			const codes = new Int32Array(n);
			for (let i = 0; i < n; i++) codes[i] = c.codes[rows[i]];
			return { ...c, codes };
		})
	};
}

/** Per-row strings (null = missing) → a categorical column, categories in first-seen order. */
export function categoricalFromStrings(name: string, cells: ArrayLike<string | null>): CategoricalColumn {
	const categories: string[] = [];
	const index = new Map<string, number>();
	const codes = new Int32Array(cells.length);
	for (let r = 0; r < cells.length; r++) {
		const cell = cells[r];
		if (cell === null) {
			codes[r] = -1;
			continue;
		}
		let code = index.get(cell);
		if (code === undefined) {
			code = categories.length;
			categories.push(cell);
			index.set(cell, code);
		}
		codes[r] = code;
	}
	return { name, kind: 'categorical', categories, codes };
}

/**
 * Rewrites each category once (not each row) and merges categories that map to the same text,
 * so masking a million rows costs as much as masking their distinct values.
 */
export function mapCategories(column: CategoricalColumn, fn: (text: string) => string | null, name = column.name): CategoricalColumn {
	const categories: string[] = [];
	const index = new Map<string, number>();
	const remap = column.categories.map((text) => {
		const mapped = fn(text);
		if (mapped === null) return -1;
		let code = index.get(mapped);
		if (code === undefined) {
			code = categories.length;
			categories.push(mapped);
			index.set(mapped, code);
		}
		return code;
	});
	const codes = mapToInt32(column.codes, (c) => (c < 0 ? -1 : remap[c]));
	return { name, kind: 'categorical', categories, codes };
}

/**
 * Numbers → text with a fixed dictionary order (labels given), each value mapped by `label`
 * to an index into `labels` or −1.
 */
export function categoricalFromLabels(name: string, values: Float64Array, labels: string[], label: (v: number) => number): CategoricalColumn {
	const codes = new Int32Array(values.length);
	for (let r = 0; r < values.length; r++) codes[r] = Number.isNaN(values[r]) ? -1 : label(values[r]);
	return { name, kind: 'categorical', categories: labels, codes };
}

/** Short, stable text for a number in labels ("[2.5, 5)"): up to 6 significant digits. */
export function formatNumber(v: number): string {
	if (!Number.isFinite(v)) return String(v);
	return String(Number(v.toPrecision(6)));
}
