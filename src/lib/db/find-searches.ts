import type { CandidateFamily, CandidateResult, TrainConfig } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { atomically, newId, openKilnDb, write } from './open';
import type { SearchRecord, TrialRecordRow } from './schema';

/**
 * "Find a model" searches, kept in the searches / trials stores beside hyperparameter searches
 * (no schema change): the search row's settings say `kind: 'find-model'`, and each finished
 * candidate is a trial row (trialId = its place in the plan) written as it lands, so a reload
 * shows what finished and runs only the rest.
 */
export interface FindSettings {
	kind: 'find-model';
	/** The plan as the page made it (families, reasons), plain JSON. */
	plan: unknown;
	folds: number;
}

export interface StoredCandidate {
	kind: 'find-model-candidate';
	family: CandidateFamily;
	status: 'done' | 'failed';
	result: CandidateResult | null;
	error: string | null;
}

export interface StoredFindSearch {
	id: string;
	createdAt: number;
	settings: FindSettings;
	base: TrainConfig;
	/** Finished candidates by their place in the plan. */
	candidates: Map<number, StoredCandidate>;
}

export const isFindSearch = (settings: unknown): boolean => (settings as { kind?: unknown } | null)?.kind === 'find-model';

export async function createFindSearch(input: { projectId: string; datasetId: string; settings: FindSettings; base: TrainConfig }): Promise<string> {
	const record: SearchRecord = { id: newId('find'), createdAt: Date.now(), status: 'running', ...input };
	const db = await openKilnDb();
	return write('the new model search', () =>
		atomically(db.transaction(['projects', 'searches'], 'readwrite'), async (tx) => {
			if (!(await tx.objectStore('projects').get(input.projectId))) throw new KilnError('NotFoundError', 'This project does not exist any more.');
			await tx.objectStore('searches').put(record);
			return record.id;
		})
	);
}

/** Store one finished candidate; false when the search was deleted meanwhile. */
export async function saveCandidate(searchId: string, index: number, candidate: StoredCandidate): Promise<boolean> {
	const db = await openKilnDb();
	return write('a model-search result', () =>
		atomically(db.transaction(['searches', 'trials'], 'readwrite'), async (tx) => {
			if (!(await tx.objectStore('searches').get(searchId))) return false;
			const row: TrialRecordRow = { searchId, trialId: index, record: candidate, updatedAt: Date.now() };
			await tx.objectStore('trials').put(row);
			return true;
		})
	);
}

export async function setFindStatus(searchId: string, status: SearchRecord['status']): Promise<void> {
	const db = await openKilnDb();
	await atomically(db.transaction('searches', 'readwrite'), async (tx) => {
		const current = await tx.store.get(searchId);
		if (current) await tx.store.put({ ...current, status, ...(status === 'running' ? {} : { finishedAt: Date.now() }) });
	});
}

/** The newest "Find a model" search of a project on a dataset, with its finished candidates. */
export async function latestFindSearch(projectId: string, datasetId: string): Promise<StoredFindSearch | null> {
	const db = await openKilnDb();
	const all = (await db.getAllFromIndex('searches', 'byProject', projectId)).filter((s) => s.datasetId === datasetId && isFindSearch(s.settings));
	const newest = all.sort((a, b) => b.createdAt - a.createdAt)[0];
	if (!newest) return null;
	const rows = await db.getAll('trials', IDBKeyRange.bound([newest.id, -Infinity], [newest.id, Infinity]));
	const candidates = new Map<number, StoredCandidate>();
	for (const row of rows) if ((row.record as StoredCandidate | null)?.kind === 'find-model-candidate') candidates.set(row.trialId, row.record as StoredCandidate);
	return { id: newest.id, createdAt: newest.createdAt, settings: newest.settings as FindSettings, base: newest.base as TrainConfig, candidates };
}
