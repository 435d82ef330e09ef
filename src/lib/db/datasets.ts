import type { ColumnProfile, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { chunksToTable, describeColumns, tableBytes, tableToChunks, CHUNK_ROWS } from './columnar';
import { atomically, newId, openKilnDb, write } from './open';
import type { DatasetRecord } from './schema';

export interface NewDataset {
	projectId: string;
	name: string;
	fileName: string;
	source: DatasetRecord['source'];
	table: Table;
	profile: ColumnProfile[];
}

/**
 * Store a dataset's metadata and all its chunks and make it the project's current dataset in
 * one transaction: a full disk leaves the project exactly as it was. Earlier datasets of the
 * project are dropped in the same step, unless a run that may still resume needs one; finished
 * runs keep their metrics and models, which do not need the rows.
 */
export async function saveDataset(input: NewDataset): Promise<DatasetRecord> {
	const id = newId('dataset');
	const chunks = tableToChunks(id, input.table);
	const record: DatasetRecord = {
		id,
		projectId: input.projectId,
		name: input.name,
		fileName: input.fileName,
		source: input.source,
		rowCount: input.table.rowCount,
		columns: describeColumns(input.table),
		profile: input.profile,
		chunkRows: CHUNK_ROWS,
		chunkCount: chunks.length,
		bytes: tableBytes(input.table),
		createdAt: Date.now()
	};
	const db = await openKilnDb();
	return write(`the dataset "${input.fileName}"`, () =>
		atomically(db.transaction(['datasets', 'chunks', 'projects', 'runs'], 'readwrite'), async (tx) => {
		const project = await tx.objectStore('projects').get(input.projectId);
		if (!project) throw new KilnError('NotFoundError', 'This project does not exist (it may have been deleted).');
		const runs = await tx.objectStore('runs').index('byProject').getAll(input.projectId);
		const needed = new Set(runs.filter((r) => r.status === 'running' || r.status === 'interrupted').map((r) => r.datasetId));
		for (const old of await tx.objectStore('datasets').index('byProject').getAllKeys(input.projectId)) {
			if (needed.has(old)) continue;
			await tx.objectStore('chunks').delete(IDBKeyRange.bound([old, 0], [old, Infinity]));
			await tx.objectStore('datasets').delete(old);
		}
		await tx.objectStore('datasets').put(record);
		for (const chunk of chunks) await tx.objectStore('chunks').put(chunk);
		const { target: _target, task: _task, ...rest } = project;
		await tx.objectStore('projects').put({ ...rest, datasetId: id, updatedAt: Date.now() });
		return record;
	}));
}

export async function getDataset(id: string): Promise<DatasetRecord> {
	const record = await (await openKilnDb()).get('datasets', id);
	if (!record) throw new KilnError('NotFoundError', 'This dataset is no longer stored.');
	return record;
}

export async function loadTable(record: DatasetRecord): Promise<Table> {
	const db = await openKilnDb();
	const chunks = await db.getAll('chunks', IDBKeyRange.bound([record.id, 0], [record.id, Infinity]));
	if (chunks.length !== record.chunkCount) {
		throw new KilnError('NotFoundError', `The stored dataset "${record.fileName}" is incomplete (${chunks.length} of ${record.chunkCount} chunks). Import it again.`);
	}
	return chunksToTable(record.columns, chunks);
}

export async function listDatasets(projectId: string): Promise<DatasetRecord[]> {
	return (await openKilnDb()).getAllFromIndex('datasets', 'byProject', projectId);
}
