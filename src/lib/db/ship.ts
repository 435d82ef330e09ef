import { KilnError } from '$shared/errors';
import { atomically, openKilnDb, write } from './open';
import { packRecord, unpackRecord } from './dictionaries';
import type { ChunkRecord, DatasetRecord, ModelRecord, ProjectRecord, RunIntendedUse, RunRecord } from './schema';

/** What the person writes for a run's model card. */
export interface RunNotes {
	intendedUse: RunIntendedUse;
	limitations: string;
}

/** Store the model card's person-filled fields with the run (empty fields are dropped). */
export async function saveRunNotes(runId: string, notes: RunNotes): Promise<RunRecord> {
	const clean = (text: string | undefined) => (text?.trim() ? text.trim() : undefined);
	const intendedUse: RunIntendedUse = { primaryUses: clean(notes.intendedUse.primaryUses), users: clean(notes.intendedUse.users), outOfScope: clean(notes.intendedUse.outOfScope) };
	const db = await openKilnDb();
	return write('the model card notes', () =>
		atomically(db.transaction('runs', 'readwrite'), async (tx) => {
			const run = await tx.store.get(runId);
			if (!run) throw new KilnError('NotFoundError', 'This run is no longer stored.');
			const next: RunRecord = { ...run, intendedUse, limitations: clean(notes.limitations) };
			await tx.store.put(next);
			return next;
		})
	);
}

/** A project with everything a bundle carries: its datasets (rows optional), runs and models. */
export interface ProjectRecords {
	project: ProjectRecord;
	datasets: DatasetRecord[];
	/** Empty when the rows were not asked for. */
	chunks: ChunkRecord[];
	runs: RunRecord[];
	models: ModelRecord[];
}

/** Read a whole project in one transaction, so an export never mixes two states of it. */
export async function readProjectRecords(projectId: string, includeRows: boolean): Promise<ProjectRecords> {
	const db = await openKilnDb();
	const tx = db.transaction(['projects', 'datasets', 'chunks', 'runs', 'models'], 'readonly');
	const project = await tx.objectStore('projects').get(projectId);
	if (!project) throw new KilnError('NotFoundError', 'This project does not exist (it may have been deleted).');
	const datasets = (await tx.objectStore('datasets').index('byProject').getAll(projectId)).map(unpackRecord);
	const chunks: ChunkRecord[] = [];
	if (includeRows) {
		for (const d of datasets) chunks.push(...(await tx.objectStore('chunks').getAll(IDBKeyRange.bound([d.id, 0], [d.id, Infinity]))));
	}
	const runs = await tx.objectStore('runs').index('byProject').getAll(projectId);
	const models: ModelRecord[] = [];
	for (const run of runs) {
		const model = run.modelId ? await tx.objectStore('models').get(run.modelId) : undefined;
		if (model) models.push(model);
	}
	await tx.done;
	return { project, datasets, chunks, runs, models };
}

/**
 * Store a whole new project (from a bundle or a share link) in one transaction: all of it or
 * nothing. `add` rather than `put`, so a clash with a stored id fails instead of overwriting.
 */
export async function storeProjectRecords(records: ProjectRecords): Promise<ProjectRecord> {
	const db = await openKilnDb();
	return write(`the project "${records.project.name}"`, () =>
		atomically(db.transaction(['projects', 'datasets', 'chunks', 'runs', 'models'], 'readwrite'), async (tx) => {
			await tx.objectStore('projects').add(records.project);
			for (const d of records.datasets) await tx.objectStore('datasets').add(packRecord(d));
			for (const c of records.chunks) await tx.objectStore('chunks').add(c);
			for (const r of records.runs) await tx.objectStore('runs').add(r);
			for (const m of records.models) await tx.objectStore('models').add(m);
			return records.project;
		})
	);
}
