import { openDB, type IDBPDatabase } from 'idb';
import { KilnError } from '$shared/errors';
import { migrate } from './migrations';
import { DB_NAME, DB_VERSION, type KilnSchema } from './schema';

export type KilnDb = IDBPDatabase<KilnSchema>;

const connections = new Map<string, Promise<KilnDb>>();

export function openKilnDb(name = DB_NAME): Promise<KilnDb> {
	let db = connections.get(name);
	if (!db) {
		db = openDB<KilnSchema>(name, DB_VERSION, {
			upgrade: (database, oldVersion, newVersion, tx) => migrate(database, oldVersion, newVersion ?? DB_VERSION, tx),
			blocking: () => {
				// A newer tab wants to upgrade: step aside so it is not stuck.
				void db?.then((d) => d.close());
				connections.delete(name);
			}
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
	const e = error as Error & { inner?: unknown };
	return e.name === 'QuotaExceededError' || /quota/i.test(e.message);
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
				`There is not enough storage space to save ${what}. Nothing was changed. Delete old runs or projects you no longer need, and try again; Settings shows how much space Kiln uses.`
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
