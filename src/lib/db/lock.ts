import { KilnError } from '$shared/errors';
import { createLock, decryptValue, encryptValue, isEncryptedRecord, unlock } from '$workers/lib/trust/crypto';
import type { EncryptedRecord } from '$workers/lib/trust/types';
import type { LockProgress } from '$workers/protocol/trust';
import { atomically, openKilnDb, write, type KilnDb } from './open';
import type { ProjectRecord } from './schema';

/**
 * Encryption at rest for one project, in place. Locking turns every record the project owns into
 * `{ <its key and index fields>, sealed: AES-GCM(record) }`: keys and index fields stay readable so
 * IndexedDB's keys and indexes keep working, everything else (names, columns, cells, configs,
 * metrics, weights) is inside the envelope. The project record keeps its id, name, dates and the
 * lock (salt, iteration count, key check); the passphrase and the key are never stored.
 *
 * Both directions run over many small transactions with the project marked `locking` or
 * `unlocking`, and skip records already in the wanted form, so a run cut off part-way (a closed
 * tab, a full disk) is finished or undone by running either direction again with the passphrase.
 */

/** The fields that stay readable, per store: its key path and the fields its indexes use. */
export const CLEAR_FIELDS = {
	datasets: ['id', 'projectId'],
	chunks: ['datasetId', 'index'],
	runs: ['id', 'projectId'],
	models: ['id', 'runId', 'projectId'],
	checkpoints: ['runId'],
	pipelines: ['id', 'projectId'],
	searches: ['id', 'projectId'],
	trials: ['searchId', 'trialId'],
	artifacts: ['id', 'projectId', 'modelId']
} as const;
export type LockedStore = keyof typeof CLEAR_FIELDS;
const PROJECT_CLEAR = ['id', 'name', 'createdAt', 'updatedAt', 'lock', 'lockState'] as const;

type StoredRecord = Record<string, unknown>;
export type SealedRecord = StoredRecord & { sealed: EncryptedRecord };

export const isSealed = (record: unknown): record is SealedRecord => typeof record === 'object' && record !== null && isEncryptedRecord((record as StoredRecord).sealed);

/** GCM additional data: a record copied to another key or project fails its check. */
const context = (projectId: string, store: string, key: IDBValidKey) => `kiln/${projectId}/${store}/${JSON.stringify(key)}`;

interface Item {
	store: LockedStore;
	key: IDBValidKey;
}

/** Every record key the project owns; works whether its records are sealed or not. */
export async function projectItems(db: KilnDb, projectId: string): Promise<Item[]> {
	const tx = db.transaction(Object.keys(CLEAR_FIELDS) as LockedStore[], 'readonly');
	const items: Item[] = [];
	const add = (store: LockedStore, keys: IDBValidKey[]) => keys.forEach((key) => items.push({ store, key }));
	const datasets = await tx.objectStore('datasets').index('byProject').getAllKeys(projectId);
	add('datasets', datasets);
	for (const id of datasets) add('chunks', await tx.objectStore('chunks').getAllKeys(IDBKeyRange.bound([id, -Infinity], [id, Infinity])));
	const runs = await tx.objectStore('runs').index('byProject').getAllKeys(projectId);
	add('runs', runs);
	for (const id of runs) {
		add('models', await tx.objectStore('models').index('byRun').getAllKeys(id));
		add('checkpoints', await tx.objectStore('checkpoints').getAllKeys(id));
	}
	add('pipelines', await tx.objectStore('pipelines').index('byProject').getAllKeys(projectId));
	const searches = await tx.objectStore('searches').index('byProject').getAllKeys(projectId);
	add('searches', searches);
	for (const id of searches) add('trials', await tx.objectStore('trials').getAllKeys(IDBKeyRange.bound([id, -Infinity], [id, Infinity])));
	add('artifacts', await tx.objectStore('artifacts').index('byProject').getAllKeys(projectId));
	await tx.done;
	return items;
}

function pick(record: StoredRecord, fields: readonly string[]): StoredRecord {
	return Object.fromEntries(fields.filter((f) => f in record).map((f) => [f, record[f]]));
}

export interface LockOptions {
	onProgress?: (progress: LockProgress) => void;
	/** Records per transaction (default 16); a batch is also cut at ~8 MB. */
	batchRecords?: number;
	/** Only for tests: PBKDF2 iterations of a new lock (at least the library minimum). */
	iterations?: number;
	/** Only for tests: called after each committed batch, to cut a run off part-way. */
	afterBatch?: (done: number) => void;
}

const BATCH_BYTES = 8 * 2 ** 20;

/** The bulk of a record (chunk columns, weights, ciphertexts), to keep one batch's memory bounded. */
function binaryBytes(value: unknown, depth = 0): number {
	if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value.byteLength;
	if (depth > 3 || typeof value !== 'object' || value === null) return 0;
	return Object.values(value).reduce((n: number, v) => n + binaryBytes(v, depth + 1), 0);
}

/** Seal (or open) every record of the project not yet in that form, batch by batch. */
async function convertAll(db: KilnDb, projectId: string, key: CryptoKey, direction: 'seal' | 'open', options: LockOptions): Promise<number> {
	const items = await projectItems(db, projectId);
	const verb = direction === 'seal' ? 'Encrypting' : 'Decrypting';
	const report = (done: number) => options.onProgress?.({ done, total: items.length, label: `${verb} record ${done} of ${items.length}` });
	const size = options.batchRecords ?? 16;
	report(0);
	let done = 0;
	for (let start = 0; start < items.length; ) {
		const batch: { item: Item; record: StoredRecord }[] = [];
		let bytes = 0;
		const read = db.transaction([...new Set(items.slice(start, start + size).map((i) => i.store))], 'readonly');
		for (const item of items.slice(start, start + size)) {
			const record = (await read.objectStore(item.store).get(item.key as never)) as StoredRecord | undefined;
			start++;
			if (record && isSealed(record) === (direction === 'open')) {
				batch.push({ item, record });
				bytes += binaryBytes(record);
			}
			if (bytes > BATCH_BYTES) break;
		}
		await read.done;
		// Crypto is not IndexedDB work, so it happens between transactions, never inside one.
		const converted: { store: LockedStore; value: StoredRecord }[] = [];
		for (const { item, record } of batch) {
			const ctx = context(projectId, item.store, item.key);
			const value =
				direction === 'seal'
					? { ...pick(record, CLEAR_FIELDS[item.store]), sealed: await encryptValue(key, record, ctx) }
					: await decryptValue<StoredRecord>(key, record.sealed as EncryptedRecord, ctx);
			converted.push({ store: item.store, value });
		}
		if (converted.length > 0) {
			await write('the encrypted project', async () => {
				const tx = db.transaction([...new Set(converted.map((c) => c.store))], 'readwrite');
				for (const c of converted) await tx.objectStore(c.store).put(c.value as never);
				await tx.done;
			});
		}
		done = start;
		report(done);
		options.afterBatch?.(done);
	}
	return items.length;
}

async function readProject(db: KilnDb, projectId: string): Promise<ProjectRecord> {
	const project = await db.get('projects', projectId);
	if (!project) throw new KilnError('NotFoundError', 'This project does not exist (it may have been deleted).');
	return project;
}

/** Replace the project record, unless someone changed it since `expected` was read. */
async function replaceProject(db: KilnDb, expected: ProjectRecord, next: ProjectRecord): Promise<void> {
	await write('the project', () =>
		atomically(db.transaction('projects', 'readwrite'), async (tx) => {
			const current = await tx.store.get(expected.id);
			if (!current || current.updatedAt !== expected.updatedAt || current.lockState !== expected.lockState) {
				throw new KilnError('StorageError', 'The project changed while it was being locked or unlocked (another tab?). Nothing was lost; try again.');
			}
			await tx.store.put(next);
		})
	);
}

/**
 * Lock a project with a passphrase: a new lock, or finishing one that was cut off (then the
 * passphrase must be the one it was started with).
 */
export async function lockProject(projectId: string, passphrase: string, options: LockOptions = {}): Promise<{ records: number }> {
	const db = await openKilnDb();
	let project = await readProject(db, projectId);
	let key: CryptoKey;
	if (project.lockState === 'locked') throw new KilnError('CryptoError', 'This project is already locked.');
	if (project.lock) {
		key = await unlock(passphrase, project.lock);
	} else {
		const created = await createLock(passphrase, options.iterations);
		key = created.key;
		const next: ProjectRecord = { ...project, lock: created.lock, lockState: 'locking', updatedAt: Date.now() };
		await replaceProject(db, project, next);
		project = next;
	}
	if (project.lockState !== 'locking') {
		const next: ProjectRecord = { ...project, lockState: 'locking', updatedAt: Date.now() };
		await replaceProject(db, project, next);
		project = next;
	}
	const records = await convertAll(db, projectId, key, 'seal', options);
	const { lock, lockState: _state, sealed: _old, ...fields } = project;
	const sealed = await encryptValue(key, fields, context(projectId, 'projects', projectId));
	await replaceProject(db, project, { ...(pick(project as unknown as StoredRecord, PROJECT_CLEAR) as Pick<ProjectRecord, 'id' | 'name' | 'createdAt' | 'updatedAt'>), lock, lockState: 'locked', sealed });
	return { records: records + 1 };
}

/**
 * Unlock a project (or undo a lock that was cut off). A wrong passphrase is found from the lock's
 * key check before anything is read or written.
 */
export async function unlockProject(projectId: string, passphrase: string, options: LockOptions = {}): Promise<{ records: number }> {
	const db = await openKilnDb();
	let project = await readProject(db, projectId);
	if (!project.lock) throw new KilnError('CryptoError', 'This project is not locked.');
	const key = await unlock(passphrase, project.lock);
	if (project.lockState === 'locked' || project.sealed) {
		const fields = project.sealed ? await decryptValue<ProjectRecord>(key, project.sealed, context(projectId, 'projects', projectId)) : project;
		const next: ProjectRecord = { ...fields, lock: project.lock, lockState: 'unlocking', updatedAt: Date.now() };
		await replaceProject(db, project, next);
		project = next;
	} else if (project.lockState !== 'unlocking') {
		const next: ProjectRecord = { ...project, lockState: 'unlocking', updatedAt: Date.now() };
		await replaceProject(db, project, next);
		project = next;
	}
	const records = await convertAll(db, projectId, key, 'open', options);
	const { lock: _lock, lockState: _state, sealed: _sealed, ...open } = project;
	await replaceProject(db, project, { ...open, updatedAt: Date.now() });
	return { records: records + 1 };
}

/** Whether the project's pages may read its records: only when no lock is on it or under way. */
export const isOpen = (project: Pick<ProjectRecord, 'lockState'> | null | undefined) => !!project && !project.lockState;
