/**
 * Web Locks mark the imports a tab is running. They vanish with the tab, so the next visit can
 * tell an import cut off by a closed tab (its chunks are removed) from one still running.
 */
const PREFIX = 'kiln-import-';

export function holdImportLock<T>(datasetId: string, job: () => Promise<T>): Promise<T> {
	if (!navigator.locks) return job();
	return navigator.locks.request(`${PREFIX}${datasetId}`, job) as Promise<T>;
}

export async function activeImportIds(): Promise<Set<string>> {
	if (!navigator.locks) return new Set();
	const { held = [] } = await navigator.locks.query();
	return new Set(held.map((lock) => lock.name ?? '').filter((name) => name.startsWith(PREFIX)).map((name) => name.slice(PREFIX.length)));
}
