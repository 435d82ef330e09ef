/**
 * Web Locks mark the runs a tab is training right now. They vanish with the tab, so another tab
 * (or the next visit) can tell a run cut off by a closed tab from one that is still training.
 */
const PREFIX = 'kiln-run-';

/** Run `job` while holding the run's lock: the lock is taken before the job starts. */
export function holdRunLock<T>(runId: string, job: () => Promise<T>): Promise<T> {
	if (!navigator.locks) return job();
	return navigator.locks.request(`${PREFIX}${runId}`, job) as Promise<T>;
}

export async function activeRunIds(): Promise<Set<string>> {
	if (!navigator.locks) return new Set();
	const { held = [] } = await navigator.locks.query();
	return new Set(held.map((lock) => lock.name ?? '').filter((name) => name.startsWith(PREFIX)).map((name) => name.slice(PREFIX.length)));
}
