import { openDB, type IDBPDatabase } from 'idb';
import { KilnError } from '$shared/errors';
import { migrate } from './migrations';
import { DB_NAME, DB_VERSION, type KilnSchema } from './schema';

export type KilnDb = IDBPDatabase<KilnSchema>;

const connections = new Map<string, Promise<KilnDb>>();

/** Connection trouble the page should tell the person about (the db layer has no UI). */
export type DatabaseTrouble = 'blocked' | 'upgraded-elsewhere' | 'closed';
const troubleListeners = new Set<(trouble: DatabaseTrouble) => void>();
export function onDatabaseTrouble(listener: (trouble: DatabaseTrouble) => void): () => void {
	troubleListeners.add(listener);
	return () => troubleListeners.delete(listener);
}
const report = (trouble: DatabaseTrouble) => troubleListeners.forEach((l) => l(trouble));

export function openKilnDb(name = DB_NAME): Promise<KilnDb> {
	let db = connections.get(name);
	if (!db) {
		db = openDB<KilnSchema>(name, DB_VERSION, {
			upgrade: (database, oldVersion, newVersion, tx) => migrate(database, oldVersion, newVersion ?? DB_VERSION, tx),
			// Another tab still runs an older Kiln and holds the database open: this tab waits.
			blocked: () => report('blocked'),
			blocking: () => {
				// A newer Kiln in another tab wants to upgrade: step aside so it is not stuck. This
				// tab's code is now older than the database, so it must be reloaded.
				void db?.then((d) => d.close());
				connections.delete(name);
				report('upgraded-elsewhere');
			},
			terminated: () => {
				// The browser closed the connection (storage cleared, disk trouble): the next
				// call opens a fresh one.
				connections.delete(name);
				report('closed');
			}
		}).catch((error: unknown) => {
			if (error instanceof Error && error.name === 'VersionError') {
				throw new KilnError('StorageError', 'Kiln was updated in another tab, so this tab is out of date. Reload this page to continue; nothing stored was lost.');
			}
			throw error;
		});
		connections.set(name, db);
		db.catch(() => connections.delete(name));
	}
	return db;
}

export async function closeKilnDb(name = DB_NAME): Promise<void> {
	const db = connections.get(name);
	connections.delete(name);
	if (db) (await db).close();
}

function isQuotaError(error: unknown): boolean {
	if (!(error instanceof Error) && !(typeof DOMException !== 'undefined' && error instanceof DOMException)) return false;
	const e = error as Error;
	return e.name === 'QuotaExceededError' || /quota/i.test(e.message);
}

/**
 * Chromium reports a full disk during a large write as "Failed to write blobs (IOError)", an
 * UnknownError, rather than a QuotaExceededError; other write failures look the same.
 */
function isWriteFailure(error: unknown): boolean {
	if (!(error instanceof Error) && !(typeof DOMException !== 'undefined' && error instanceof DOMException)) return false;
	const e = error as Error;
	return e.name === 'UnknownError' || (e.name === 'DataError' && /blob/i.test(e.message)) || /IOError|Failed to write/i.test(e.message);
}

/**
 * Run one logical change. The caller does all its writes in one transaction, so when the disk
 * is full IndexedDB rolls back and the previous state is what remains.
 */
export async function write<T>(what: string, change: () => Promise<T>): Promise<T> {
	try {
		return await change();
	} catch (error) {
		if (isQuotaError(error)) {
			throw new KilnError(
				'QuotaExceededError',
				`There is not enough storage space to save ${what}. Nothing was changed. Delete old runs or projects you no longer need, and try again; Settings shows how much space each project takes.`
			);
		}
		if (isWriteFailure(error)) {
			throw new KilnError(
				'StorageError',
				`The browser could not write ${what} to its storage; the disk may be full. Nothing was changed. Free some disk space or delete old runs or projects, and try again.`
			);
		}
		throw error;
	}
}

/**
 * Run a multi-store change and abort the transaction if any step throws, so a failure half way
 * (a full disk, a missing record) can never commit the first half.
 */
export async function atomically<T, Tx extends { abort(): void; done: Promise<void> }>(tx: Tx, body: (tx: Tx) => Promise<T>): Promise<T> {
	// When the body fails, `done` rejects with the abort; that is reported through the body's error.
	tx.done.catch(() => {});
	try {
		const result = await body(tx);
		await tx.done;
		return result;
	} catch (error) {
		try {
			tx.abort();
		} catch {
			// already finished or aborted
		}
		throw error;
	}
}

export function newId(prefix: string): string {
	return `${prefix}-${crypto.randomUUID()}`;
}
