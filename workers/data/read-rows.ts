import { openKilnDb, readRows, type StoredColumn } from '$lib/db';
import { KilnError } from '$shared/errors';
import type { CategoricalColumn, Table } from '$workers/protocol';

/**
 * Rows for the page's table: each text column keeps only the values its rows use, renumbered.
 * A stored column's dictionary may hold a million values (an ID column); sending it with every
 * block of 200 rows cost the page a structured clone of a million strings on its main thread
 * (the long tasks after an import) and tens of MB per cached block. A packed dictionary is not
 * split either: the values wanted are cut out of the stored string.
 */
export async function readPageRows(datasetId: string, start: number, count: number): Promise<Table> {
	const record = await (await openKilnDb()).get('datasets', datasetId);
	if (!record) throw new KilnError('NotFoundError', 'This dataset is no longer stored.');
	return compactRows(await readRows(record, start, count), record.columns);
}

export function compactRows(table: Table, stored?: readonly StoredColumn[]): Table {
	return { rowCount: table.rowCount, columns: table.columns.map((c, i) => (c.kind === 'categorical' ? compactColumn(c, stored?.[i]?.packedCategories) : c)) };
}

function compactColumn(column: CategoricalColumn, packed: string | undefined): CategoricalColumn {
	const renumbered = new Map<number, number>();
	const used: number[] = [];
	const codes = new Int32Array(column.codes.length);
	for (let i = 0; i < codes.length; i++) {
		const code = column.codes[i];
		if (code < 0 || (packed === undefined && code >= column.categories.length)) {
			codes[i] = -1;
			continue;
		}
		let next = renumbered.get(code);
		if (next === undefined) {
			next = used.length;
			renumbered.set(code, next);
			used.push(code);
		}
		codes[i] = next;
	}
	const values = packed === undefined ? null : packedValues(packed, used);
	const categories = used.map((code) => (values ? (values.get(code) ?? '') : column.categories[code]));
	return { name: column.name, kind: 'categorical', categories, codes };
}

/** Entries `codes` of a NUL-joined dictionary, scanning only up to the largest (codes follow first appearance, so early rows stop early). */
function packedValues(packed: string, codes: readonly number[]): Map<number, string> {
	const wanted = [...codes].sort((a, b) => a - b);
	const found = new Map<number, string>();
	let at = 0;
	let index = 0;
	for (const code of wanted) {
		while (index < code && at >= 0) {
			at = packed.indexOf('\u0000', at);
			if (at >= 0) at++;
			index++;
		}
		if (at < 0) break;
		const end = packed.indexOf('\u0000', at);
		found.set(code, packed.slice(at, end < 0 ? packed.length : end));
	}
	return found;
}
