import type { CategoricalColumn, Table } from '$workers/protocol';

/**
 * Rows for the page's table: each text column keeps only the values its rows use, renumbered.
 * A stored column's dictionary may hold a million values (an ID column); sending it with every
 * block of 200 rows cost the page a structured clone of a million strings on its main thread
 * (the long tasks after an import) and tens of MB per cached block.
 */
export function compactRows(table: Table): Table {
	return { rowCount: table.rowCount, columns: table.columns.map((c) => (c.kind === 'categorical' ? compactColumn(c) : c)) };
}

function compactColumn(column: CategoricalColumn): CategoricalColumn {
	const renumbered = new Map<number, number>();
	const categories: string[] = [];
	const codes = new Int32Array(column.codes.length);
	for (let i = 0; i < codes.length; i++) {
		const code = column.codes[i];
		if (code < 0 || code >= column.categories.length) {
			codes[i] = -1;
			continue;
		}
		let next = renumbered.get(code);
		if (next === undefined) {
			next = categories.length;
			renumbered.set(code, next);
			categories.push(column.categories[code]);
		}
		codes[i] = next;
	}
	return { name: column.name, kind: 'categorical', categories, codes };
}
