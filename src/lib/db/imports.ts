import type { ColumnProfile, Task } from '$workers/protocol';
import type { DatasetProfile } from '$workers/lib/data/profile/types';
import { KilnError } from '$shared/errors';
import { atomically, openKilnDb, write, type KilnDb } from './open';
import { packRecord } from './dictionaries';
import type { ChunkRecord, DatasetRecord } from './schema';

/**
 * A streamed import in three steps, so a file larger than memory goes to IndexedDB chunk by
 * chunk: `beginImport` stores the dataset record marked 'importing' (never listed),
 * `putImportChunk` stores each chunk as it comes, and `commitImport` completes the record and
 * makes it the project's current dataset with its target, in one transaction. Whatever stops an
 * import (cancel, a bad row, a full disk, a closed tab) ends in `discardImport`, which removes
 * the record and every chunk stored so far: nothing half-stored stays.
 */

export type ImportStart = Omit<DatasetRecord, 'status' | 'rowCount' | 'chunkCount' | 'bytes' | 'profile'>;

const what = (fileName: string) => `the dataset "${fileName}"`;

export async function beginImport(start: ImportStart): Promise<DatasetRecord> {
	const record: DatasetRecord = { ...start, status: 'importing', rowCount: 0, chunkCount: 0, bytes: 0, profile: [] };
	const db = await openKilnDb();
	return write(what(start.fileName), () =>
		atomically(db.transaction(['projects', 'datasets'], 'readwrite'), async (tx) => {
			if (!(await tx.objectStore('projects').get(start.projectId))) throw new KilnError('NotFoundError', 'This project does not exist (it may have been deleted).');
			await tx.objectStore('datasets').put(record);
			return record;
		})
	);
}

/** One chunk, in a transaction of its own (an import may take minutes; no transaction stays open that long). */
export async function putImportChunk(fileName: string, chunk: ChunkRecord): Promise<void> {
	const db = await openKilnDb();
	await write(what(fileName), () => db.put('chunks', chunk));
}

/**
 * Writes chunks without waiting for each to be stored, so the importer builds the next chunk
 * while IndexedDB (another process) writes this one. `put` is issued synchronously: IndexedDB
 * copies the chunk's buffers before `add` returns, so the caller may reuse them at once. At most
 * `depth` writes are in flight (each holds a serialized copy of its chunk); `add` waits for the
 * oldest beyond that. A failed write surfaces at the next `add` or at `flush`.
 */
export class ChunkWriter {
	private readonly pending: Promise<void>[] = [];
	private failure: unknown = null;

	private constructor(
		private readonly db: KilnDb,
		private readonly fileName: string,
		private readonly depth: number
	) {}

	static async open(fileName: string, depth = 2): Promise<ChunkWriter> {
		return new ChunkWriter(await openKilnDb(), fileName, Math.max(1, depth));
	}

	async add(chunk: ChunkRecord): Promise<void> {
		if (this.failure) throw this.failure;
		const stored = write(what(this.fileName), () => this.db.put('chunks', chunk)).then(
			() => {},
			(error: unknown) => {
				this.failure ??= error;
			}
		);
		this.pending.push(stored);
		while (this.pending.length > this.depth) await this.pending.shift();
		if (this.failure) throw this.failure;
	}

	/** Waits for every write; throws the first failure. */
	async flush(): Promise<void> {
		while (this.pending.length) await this.pending.shift();
		if (this.failure) throw this.failure;
	}
}

export interface ImportCommit {
	rowCount: number;
	chunkCount: number;
	bytes: number;
	columns: DatasetRecord['columns'];
	details: DatasetProfile | null;
	warnings: DatasetRecord['warnings'];
	format: DatasetRecord['format'];
	target?: string;
	task?: Task;
}

/**
 * Complete an import: the record with its columns, dictionaries and profile, and the project
 * pointing at it with its target, together. Refused (and nothing changed) when a chunk is
 * missing or the record was removed meanwhile (the project deleted, a cleanup in another tab).
 */
export async function commitImport(datasetId: string, commit: ImportCommit): Promise<DatasetRecord> {
	const db = await openKilnDb();
	const pending = await db.get('datasets', datasetId);
	if (!pending) throw new KilnError('NotFoundError', 'The import was removed before it finished (was the project deleted?). Nothing was kept.');
	const record: DatasetRecord = {
		...pending,
		status: undefined,
		rowCount: commit.rowCount,
		chunkCount: commit.chunkCount,
		bytes: commit.bytes,
		columns: commit.columns,
		details: commit.details ?? undefined,
		profile: commit.details ? columnProfiles(commit.details) : [],
		warnings: commit.warnings,
		format: commit.format
	};
	delete record.status;
	return write(what(record.fileName), () =>
		atomically(db.transaction(['projects', 'datasets', 'chunks'], 'readwrite'), async (tx) => {
			const current = await tx.objectStore('datasets').get(datasetId);
			const project = await tx.objectStore('projects').get(record.projectId);
			if (current?.status !== 'importing' || !project) throw new KilnError('NotFoundError', 'The import was removed before it finished (was the project deleted?). Nothing was kept.');
			const stored = await tx.objectStore('chunks').count(IDBKeyRange.bound([datasetId, 0], [datasetId, Infinity]));
			if (stored !== commit.chunkCount) throw new KilnError('StorageError', `Only ${stored} of ${commit.chunkCount} parts of "${record.fileName}" were stored; import it again.`);
			await tx.objectStore('datasets').put(packRecord(record));
			await tx.objectStore('projects').put({ ...project, datasetId, target: commit.target, task: commit.task, updatedAt: Date.now() });
			return record;
		})
	);
}

/** Remove an unfinished import and its chunks; a finished dataset is left alone. */
export async function discardImport(datasetId: string): Promise<void> {
	const db = await openKilnDb();
	await atomically(db.transaction(['datasets', 'chunks'], 'readwrite'), async (tx) => {
		const record = await tx.objectStore('datasets').get(datasetId);
		if (record && record.status !== 'importing') return;
		await tx.objectStore('chunks').delete(IDBKeyRange.bound([datasetId, 0], [datasetId, Infinity]));
		if (record) await tx.objectStore('datasets').delete(datasetId);
	});
}

/**
 * Imports a closed tab cut off stay marked 'importing'. On the next visit each one nobody is
 * running (`active`: the imports holding a Web Lock in an open tab) is removed with its chunks.
 */
export async function settleOrphanImports(projectId: string, active: ReadonlySet<string> = new Set()): Promise<number> {
	const db = await openKilnDb();
	const orphans = (await db.getAllFromIndex('datasets', 'byProject', projectId)).filter((d) => d.status === 'importing' && !active.has(d.id));
	for (const orphan of orphans) await discardImport(orphan.id);
	return orphans.length;
}

/** The short per-column profile older pages read, from the full one. */
export function columnProfiles(details: DatasetProfile): ColumnProfile[] {
	return details.columns.map((c) => ({
		name: c.name,
		kind: c.physical,
		missing: c.missing,
		distinct: c.distinct,
		...(c.numeric && c.rows > c.missing ? { min: c.numeric.min, max: c.numeric.max, mean: c.numeric.mean } : {}),
		...(c.categories ? { top: c.categories.top.slice(0, 5) } : {})
	}));
}
