import { openKilnDb, type DatasetRecord, type StoredColumn } from '$lib/db';

/**
 * The project's datasets as the page shows them, newest first, imports still streaming in left
 * out: read here, in the reader worker, and sent without their packed dictionaries (a 1,000,000-row
 * ID column's is a 9 MB string). Reading the records on the page cost its main thread the
 * deserialization after every import. Such a column keeps `categoryCount` and `categorySample`,
 * which is all the page reads of it (text-column detection); workers read dictionaries themselves.
 * Older records (no sample) keep their packed dictionary, which `lazyRecord` splits when read.
 */
export async function pageDatasets(projectId: string): Promise<DatasetRecord[]> {
	const list = await (await openKilnDb()).getAllFromIndex('datasets', 'byProject', projectId);
	return list
		.filter((d) => d.status !== 'importing')
		.sort((a, b) => b.createdAt - a.createdAt)
		.map((d) => (Array.isArray(d.columns) && d.columns.some((c) => c.packedCategories !== undefined) ? { ...d, columns: d.columns.map(withoutPacked) } : d));
}

/** Columns stored before the sample was kept still carry theirs (the page splits it when asked). */
function withoutPacked(column: StoredColumn): StoredColumn {
	if (column.packedCategories === undefined || !column.categorySample) return column;
	const { packedCategories: _, ...rest } = column;
	return rest;
}
