import { getDataset, openKilnDb, storeProfile, type DatasetRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import { readColumn } from '$lib/db/column-packing';
import type { SchemaColumn } from '$workers/lib/data/import';
import { createProfiler } from '$workers/lib/data/profile';

/** A stored column as the importer described it (datasets imported before types were inferred get the plain kind). */
export function schemaOf(record: DatasetRecord): SchemaColumn[] {
	return record.columns.map((c) => ({
		name: c.name,
		physical: c.kind,
		semantic: c.semantic ?? (c.kind === 'numeric' ? 'numeric' : 'categorical'),
		...(c.booleanLabels ? { booleanLabels: c.booleanLabels } : {}),
		...(c.dateOrder ? { dateOrder: c.dateOrder } : {})
	}));
}

/**
 * Profile a stored dataset again over its chunks, one at a time (a million rows never sit in
 * memory as a table), with `target` as the column whose balance and leaks are checked.
 */
export async function profileAgain(datasetId: string, target: string | undefined, onProgress?: (fraction: number) => void): Promise<void> {
	const record = await getDataset(datasetId);
	const columns = schemaOf(record);
	const profiler = createProfiler(columns, { target: target && columns.some((c) => c.name === target) ? target : undefined });
	profiler.reserve(record.rowCount);
	const db = await openKilnDb();
	for (let index = 0; index < record.chunkCount; index++) {
		const chunk = await db.get('chunks', [record.id, index]);
		if (!chunk) throw new KilnError('NotFoundError', `The stored dataset "${record.fileName}" is incomplete (part ${index + 1} of ${record.chunkCount} is missing). Import it again.`);
		profiler.addChunk(chunk.columns.map((_, c) => readColumn(chunk, c, columns[c].physical)), chunk.rowCount);
		onProgress?.((index + 1) / record.chunkCount);
	}
	const details = profiler.finish(record.columns.map((c) => (c.kind === 'categorical' ? (c.categories ?? []) : null)), record.warnings ?? []);
	await storeProfile(datasetId, details);
}
