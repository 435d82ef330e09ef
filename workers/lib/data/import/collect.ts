import type { Column, Table } from '$workers/protocol';
import { importTable } from './import';
import type { ImportEnd, ImportOptions, ImportSource } from './types';

/**
 * Imports a small file into one in-memory Table (the protocol's columnar layout). For tests,
 * the predict form's file upload and other places that want the whole (small) table; the data
 * worker streams chunks into IndexedDB instead.
 */
export async function importToTable(source: ImportSource, options: ImportOptions = {}): Promise<{ table: Table; end: ImportEnd }> {
	const parts: ArrayBuffer[][] = [];
	const end = await importTable(
		source,
		{
			onSchema: () => {},
			onChunk: (chunk) => void parts.push(chunk.columns),
			onEnd: () => {}
		},
		options
	);
	const columns: Column[] = end.columns.map((c, i) => {
		if (c.physical === 'numeric') {
			const values = new Float64Array(end.rowCount);
			let at = 0;
			for (const p of parts) {
				const a = new Float64Array(p[i]);
				values.set(a, at);
				at += a.length;
			}
			return { name: c.name, kind: 'numeric', values };
		}
		const codes = new Int32Array(end.rowCount);
		let at = 0;
		for (const p of parts) {
			const a = new Int32Array(p[i]);
			codes.set(a, at);
			at += a.length;
		}
		return { name: c.name, kind: 'categorical', categories: end.dictionaries[i] ?? [], codes };
	});
	return { table: { rowCount: end.rowCount, columns }, end };
}
