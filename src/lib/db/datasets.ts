import type { ColumnProfile, Table, Task } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { chunksToTable, describeColumns, chunkBytes, tableToChunks, CHUNK_ROWS } from './columnar';
import { atomically, newId, openKilnDb, write } from './open';
import type { DatasetRecord } from './schema';
import type { DatasetProfile } from '$workers/lib/data/profile/types';
import { columnProfiles } from './imports';
import { lazyRecord, packRecord, unpackRecord } from './dictionaries';

export interface NewDataset {
	projectId: string;
	name: string;
	fileName: string;
	source: DatasetRecord['source'];
	table: Table;
	profile: ColumnProfile[];
	/** Target and task to set with it, in the same transaction. */
	target?: string;
	task?: Task;
	/** Shown with the dataset, e.g. the files a folder import skipped. */
	warnings?: DatasetRecord['warnings'];
	/** Columns known to hold free text (a folder of .txt files), marked so the studio treats them as text. */
	textColumns?: string[];
}

/**
 * Store a dataset's metadata and all its chunks and make it the project's current dataset,
 * with its target, in one transaction: a full disk leaves the project exactly as it was.
 * Earlier datasets stay (a project keeps several); only the person deletes them.
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
		columns: describeColumns(input.table).map((c) => (input.textColumns?.includes(c.name) ? { ...c, text: true as const } : c)),
		profile: input.profile,
		chunkRows: CHUNK_ROWS,
		chunkCount: chunks.length,
		bytes: chunkBytes(chunks),
		createdAt: Date.now(),
		...(input.warnings?.length ? { warnings: input.warnings } : {})
	};
	const db = await openKilnDb();
	return write(`the dataset "${input.fileName}"`, () =>
		atomically(db.transaction(['datasets', 'chunks', 'projects'], 'readwrite'), async (tx) => {
			const project = await tx.objectStore('projects').get(input.projectId);
			if (!project) throw new KilnError('NotFoundError', 'This project does not exist (it may have been deleted).');
			await tx.objectStore('datasets').put(packRecord(record));
			for (const chunk of chunks) await tx.objectStore('chunks').put(chunk);
			await tx.objectStore('projects').put({ ...project, datasetId: id, target: input.target, task: input.task, updatedAt: Date.now() });
			return record;
		})
	);
}

export async function getDataset(id: string): Promise<DatasetRecord> {
	const record = await (await openKilnDb()).get('datasets', id);
	if (!record) throw new KilnError('NotFoundError', 'This dataset is no longer stored.');
	return unpackRecord(record);
}

/** The whole table; for workers (the page reads rows with readRows). */
export async function loadTable(record: DatasetRecord): Promise<Table> {
	const db = await openKilnDb();
	const chunks = await db.getAll('chunks', IDBKeyRange.bound([record.id, 0], [record.id, Infinity]));
	if (chunks.length !== record.chunkCount) {
		throw new KilnError('NotFoundError', `The stored dataset "${record.fileName}" is incomplete (${chunks.length} of ${record.chunkCount} chunks). Import it again.`);
	}
	return chunksToTable(record.columns, chunks);
}

/** Rows [start, start + count) read from only the chunks that hold them. */
export async function readRows(record: DatasetRecord, start: number, count: number): Promise<Table> {
	const end = Math.min(record.rowCount, start + count);
	if (end <= start) return chunksToTable(record.columns, []);
	const first = Math.floor(start / record.chunkRows);
	const last = Math.floor((end - 1) / record.chunkRows);
	const db = await openKilnDb();
	const chunks = await db.getAll('chunks', IDBKeyRange.bound([record.id, first], [record.id, last]));
	const table = chunksToTable(record.columns, chunks);
	const offset = start - first * record.chunkRows;
	return {
		rowCount: end - start,
		columns: table.columns.map((c) =>
			c.kind === 'numeric' ? { ...c, values: c.values.slice(offset, offset + end - start) } : { ...c, codes: c.codes.slice(offset, offset + end - start) }
		)
	};
}

/** The project's datasets, newest first; imports still streaming in are not among them. */
export async function listDatasets(projectId: string): Promise<DatasetRecord[]> {
	const list = await (await openKilnDb()).getAllFromIndex('datasets', 'byProject', projectId);
	return list.filter((d) => d.status !== 'importing').sort((a, b) => b.createdAt - a.createdAt).map(lazyRecord);
}

/** Replace a dataset's profile (computed again after its target changed). */
export async function storeProfile(datasetId: string, details: DatasetProfile): Promise<void> {
	const db = await openKilnDb();
	await write('the profile', () =>
		atomically(db.transaction('datasets', 'readwrite'), async (tx) => {
			const record = await tx.store.get(datasetId);
			if (!record) throw new KilnError('NotFoundError', 'This dataset is no longer stored.');
			await tx.store.put({ ...record, details, profile: columnProfiles(details) });
		})
	);
}

/** Make another of the project's datasets the current one; its target is kept if it has that column. */
export async function useDataset(projectId: string, datasetId: string): Promise<void> {
	const db = await openKilnDb();
	await write('the project', () =>
		atomically(db.transaction(['projects', 'datasets'], 'readwrite'), async (tx) => {
			const project = await tx.objectStore('projects').get(projectId);
			const dataset = await tx.objectStore('datasets').get(datasetId);
			if (!project || dataset?.projectId !== projectId) throw new KilnError('NotFoundError', 'This dataset is no longer stored.');
			const keepTarget = !!project.target && dataset.columns.some((c) => c.name === project.target);
			await tx.objectStore('projects').put({ ...project, datasetId, target: keepTarget ? project.target : undefined, task: keepTarget ? project.task : undefined, updatedAt: Date.now() });
		})
	);
}

/** Delete a dataset and its chunks, unless a run that may still resume needs its rows. */
export async function deleteDataset(record: DatasetRecord): Promise<void> {
	const db = await openKilnDb();
	await atomically(db.transaction(['projects', 'datasets', 'chunks', 'runs'], 'readwrite'), async (tx) => {
		const runs = await tx.objectStore('runs').index('byProject').getAll(record.projectId);
		if (runs.some((r) => r.datasetId === record.id && (r.status === 'running' || r.status === 'interrupted'))) {
			throw new KilnError('ValidationError', `"${record.fileName}" is used by a run that is training or can still resume; finish or delete that run first.`);
		}
		await tx.objectStore('chunks').delete(IDBKeyRange.bound([record.id, 0], [record.id, Infinity]));
		await tx.objectStore('datasets').delete(record.id);
		const project = await tx.objectStore('projects').get(record.projectId);
		if (project?.datasetId === record.id) await tx.objectStore('projects').put({ ...project, datasetId: undefined, target: undefined, task: undefined, updatedAt: Date.now() });
	});
}
