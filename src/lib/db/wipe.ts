import { KilnError } from '$shared/errors';
import { closeKilnDb } from './open';
import { DB_NAME } from './schema';

function deleteDatabase(name: string, onBlocked?: () => void): Promise<void> {
	return new Promise((resolve, reject) => {
		const request = indexedDB.deleteDatabase(name);
		request.onsuccess = () => resolve();
		request.onerror = () => reject(new KilnError('StorageError', `The browser could not delete the database "${name}": ${request.error?.message ?? 'unknown error'}.`));
		// Open connections (workers, other tabs) get a versionchange event and close theirs; until
		// they do the request waits. Kiln's own connections close themselves (openKilnDb's `blocking`).
		request.onblocked = () => onBlocked?.();
	});
}

/**
 * Delete every IndexedDB database of this origin (Kiln's, and any other a library made), after
 * closing this page's connection. Resolves when the browser has really deleted them.
 */
export async function deleteAllDatabases(onBlocked?: () => void): Promise<string[]> {
	await closeKilnDb();
	const listed = typeof indexedDB.databases === 'function' ? (await indexedDB.databases()).map((d) => d.name).filter((n): n is string => !!n) : [];
	const names = [...new Set([DB_NAME, ...listed])];
	for (const name of names) await deleteDatabase(name, onBlocked);
	return names;
}
