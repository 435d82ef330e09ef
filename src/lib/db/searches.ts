import type { EpochRecord, SearchPlan, TrainCheckpoint, TrainConfig, TrialRecord } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { atomically, newId, openKilnDb, write } from './open';
import type { SearchRecord, TrialRecordRow } from './schema';
import { isFindSearch } from './find-searches';

/**
 * Hyperparameter searches and their trials. A search's plan and base config are stored once;
 * each trial is written whenever it changes (the page writes its record and curve, the worker its
 * checkpoint), each write keeping what the other wrote, so a reload loses no finished work.
 */
export interface Search extends Omit<SearchRecord, 'settings' | 'base'> {
	settings: SearchPlan;
	base: TrainConfig;
}

export interface Trial {
	record: TrialRecord;
	history: EpochRecord[];
	hasCheckpoint: boolean;
}

const gone = () => new KilnError('NotFoundError', 'This search does not exist any more (it was deleted, perhaps in another tab).');
const trialRange = (searchId: string) => IDBKeyRange.bound([searchId, -Infinity], [searchId, Infinity]);
/**
 * A trial's checkpoint (weights and optimiser state, megabytes for a wide MLP) has a row of its
 * own in the trials store, keyed −1 − trialId, so the page storing the trial's record never reads
 * and rewrites it (the tune bench measured 0.7–1.4 s per such write under load). Rows from before
 * kept it in the trial's row; they are still read and dropped.
 */
const checkpointId = (trialId: number) => -1 - trialId;

export async function createSearch(input: { projectId: string; datasetId: string; settings: SearchPlan; base: TrainConfig }): Promise<Search> {
	const search: Search = { id: newId('search'), createdAt: Date.now(), status: 'running', ...input };
	const db = await openKilnDb();
	return write('the new search', () =>
		atomically(db.transaction(['projects', 'searches'], 'readwrite'), async (tx) => {
			if (!(await tx.objectStore('projects').get(input.projectId))) throw new KilnError('NotFoundError', 'This project does not exist any more.');
			await tx.objectStore('searches').put(search);
			return search;
		})
	);
}

export async function listSearches(projectId: string): Promise<Search[]> {
	// "Find a model" keeps its searches in the same store (src/lib/db/find-searches.ts): not Tune's.
	const searches = ((await (await openKilnDb()).getAllFromIndex('searches', 'byProject', projectId)) as Search[]).filter((s) => !isFindSearch(s.settings));
	return searches.sort((a, b) => b.createdAt - a.createdAt);
}

export async function getSearch(id: string): Promise<Search> {
	const search = await (await openKilnDb()).get('searches', id);
	if (!search) throw gone();
	return search as Search;
}

export async function updateSearch(id: string, change: Partial<Pick<Search, 'status' | 'finishedAt' | 'error'>>): Promise<Search> {
	const db = await openKilnDb();
	return write('the search', () =>
		atomically(db.transaction('searches', 'readwrite'), async (tx) => {
			const current = await tx.store.get(id);
			if (!current) throw gone();
			const next = { ...current, ...change };
			await tx.store.put(next);
			return next as Search;
		})
	);
}

export async function listTrials(searchId: string): Promise<Trial[]> {
	const rows = await (await openKilnDb()).getAll('trials', trialRange(searchId));
	const checkpoints = new Set(rows.filter((row) => row.trialId < 0 && row.checkpoint).map((row) => checkpointId(row.trialId)));
	return rows
		.filter((row) => row.record && row.trialId >= 0)
		.map((row) => ({ record: row.record as TrialRecord, history: row.history ?? [], hasCheckpoint: !!row.checkpoint || checkpoints.has(row.trialId) }))
		.sort((a, b) => a.record.trialId - b.record.trialId);
}

/** Write a trial's record (and its curve, when given), keeping the checkpoint the worker stored. */
export async function saveTrial(searchId: string, record: TrialRecord, history?: EpochRecord[]): Promise<void> {
	await saveTrials(searchId, [{ trial: record, history }]);
}

/** A trial's record as it changed, and its curve once a job ended. */
export interface TrialChange {
	trial: TrialRecord;
	history?: EpochRecord[];
}

/** Several trials' changes in one transaction (a search stores what piled up while it was writing). */
export async function saveTrials(searchId: string, changes: TrialChange[]): Promise<void> {
	const db = await openKilnDb();
	await write(changes.length === 1 ? 'a search trial' : 'search trials', () =>
		atomically(db.transaction(['searches', 'trials'], 'readwrite'), async (tx) => {
			if (!(await tx.objectStore('searches').get(searchId))) throw gone();
			const trials = tx.objectStore('trials');
			for (const { trial, history } of changes) {
				const current = await trials.get([searchId, trial.trialId]);
				const row: TrialRecordRow = { ...current, searchId, trialId: trial.trialId, record: trial, updatedAt: Date.now() };
				if (history) row.history = history;
				await trials.put(row);
			}
		})
	);
}

/**
 * The worker keeps a trial's checkpoint at the end of each job, without the job waiting for it;
 * false when it is not stored: the search is gone or done (its checkpoints were dropped), or the
 * trial's stored curve is already longer (a promotion in another worker stored its own first).
 *
 * The worker is training its next job meanwhile, reaching its task queue only between stretches
 * of training (workers/lib/yield-task.ts), and every page store of the search's trials waits for
 * this transaction: so it reads in one round and commits as soon as its writes are issued, rather
 * than one round per request and one more for the commit.
 */
export async function saveTrialCheckpoint(searchId: string, trialId: number, checkpoint: TrainCheckpoint): Promise<boolean> {
	const db = await openKilnDb();
	return write('a trial checkpoint', () =>
		atomically(db.transaction(['searches', 'trials'], 'readwrite'), async (tx) => {
			const trials = tx.objectStore('trials');
			const [search, current] = await Promise.all([tx.objectStore('searches').get(searchId), trials.get([searchId, trialId])]);
			if (!search || search.status === 'done') return false;
			if ((current?.history?.length ?? 0) > checkpoint.epoch) return false;
			// The curve so far goes with the trial's record (a reload shows it); the state in a row of its own.
			const { checkpoint: _old, ...row } = current ?? { record: null };
			const puts = Promise.all([
				trials.put({ ...row, searchId, trialId, history: checkpoint.history, updatedAt: Date.now() }),
				trials.put({ searchId, trialId: checkpointId(trialId), record: null, checkpoint, updatedAt: Date.now() })
			]);
			tx.commit();
			await puts;
			return true;
		})
	);
}

export async function getTrialCheckpoint(searchId: string, trialId: number): Promise<TrainCheckpoint | null> {
	const db = await openKilnDb();
	return (await db.get('trials', [searchId, checkpointId(trialId)]))?.checkpoint ?? (await db.get('trials', [searchId, trialId]))?.checkpoint ?? null;
}

/** A finished search promotes nothing more: its checkpoints (weights and optimiser state) go. */
export async function dropTrialCheckpoints(searchId: string): Promise<void> {
	const db = await openKilnDb();
	await atomically(db.transaction('trials', 'readwrite'), async (tx) => {
		let cursor = await tx.store.openCursor(trialRange(searchId));
		while (cursor) {
			if (cursor.value.trialId < 0) await cursor.delete();
			else if (cursor.value.checkpoint) {
				const { checkpoint: _dropped, ...rest } = cursor.value;
				await cursor.update(rest);
			}
			cursor = await cursor.continue();
		}
	});
}

export async function deleteSearch(id: string): Promise<void> {
	const db = await openKilnDb();
	await atomically(db.transaction(['searches', 'trials'], 'readwrite'), async (tx) => {
		await tx.objectStore('trials').delete(trialRange(id));
		await tx.objectStore('searches').delete(id);
	});
}

/**
 * A search marked running that no tab is running (none holds its Web Lock) was cut off by a
 * closed or reloaded page: it becomes `interrupted`, to be resumed.
 */
export async function settleOrphanSearches(projectId: string, active: ReadonlySet<string>): Promise<void> {
	const db = await openKilnDb();
	await atomically(db.transaction('searches', 'readwrite'), async (tx) => {
		for (const search of await tx.store.index('byProject').getAll(projectId)) {
			if (search.status === 'running' && !active.has(search.id) && !isFindSearch(search.settings)) await tx.store.put({ ...search, status: 'interrupted', error: 'The page was closed while this search ran; resume it to continue where it stopped.' });
		}
	});
}
