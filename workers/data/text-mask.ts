import type { Table } from '../protocol';
import { KilnError } from '$shared/errors';
import { maskPii } from '../lib/text/pii';

/**
 * The table with e-mail addresses and phone numbers in one string column replaced by [EMAIL] and
 * [PHONE]. Masking works on the column's dictionary, then merges values that became equal.
 */
export function maskTableColumn(table: Table, name: string): { table: Table; maskedRows: number } {
	const column = table.columns.find((c) => c.name === name);
	if (!column) throw new KilnError('SchemaMismatchError', `The dataset has no column “${name}”.`);
	if (column.kind !== 'categorical') throw new KilnError('ValidationError', `“${name}” holds numbers; only a text column can be masked.`);
	const masked = column.categories.map((text) => maskPii(text));
	const changed = masked.map((m) => m.counts.email + m.counts.phone > 0);
	const categories: string[] = [];
	const index = new Map<string, number>();
	const remap = masked.map(({ text }) => {
		let code = index.get(text);
		if (code === undefined) {
			code = categories.push(text) - 1;
			index.set(text, code);
		}
		return code;
	});
	let maskedRows = 0;
	const codes = Int32Array.from(column.codes, (c) => {
		if (c < 0) return c;
		if (changed[c]) maskedRows++;
		return remap[c];
	});
	return { table: { rowCount: table.rowCount, columns: table.columns.map((c) => (c === column ? { name, kind: 'categorical', categories, codes } : c)) }, maskedRows };
}
