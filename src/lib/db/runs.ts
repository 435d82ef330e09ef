import type { TrainResult } from '../../../workers/protocol';
import { KilnError } from '../../../workers/lib/errors';
import { atomically, newId, openKilnDb, write } from './open';
import type { ModelRecord, RunRecord } from './schema';

export async function createRun(run: Omit<RunRecord, 'id' | 'createdAt' | 'status' | 'history'>): Promise<RunRecord> {
	const record: RunRecord = { ...run, id: newId('run'), createdAt: Date.now(), status: 'running', history: [] };
	const db = await openKilnDb();
	await write('the new run', () => db.put('runs', record));
	return record;
}

export async function listRuns(projectId: string): Promise<RunRecord[]> {
	const runs = await (await openKilnDb()).getAllFromIndex('runs', 'byProject', projectId);
	return runs.sort((a, b) => b.createdAt - a.createdAt);
}

/** Store the trained model and mark the run done, together or not at all. */
export async function finishRun(run: RunRecord, result: TrainResult): Promise<RunRecord> {
	const model: ModelRecord = {
		id: newId('model'),
		runId: run.id,
		projectId: run.projectId,
		createdAt: Date.now(),
		artifacts: result.model,
		preprocessing: result.preprocessing
	};
	const done: RunRecord = {
		...run,
		status: 'done',
		finishedAt: Date.now(),
		history: result.history,
		metrics: result.metrics,
		backend: result.backend,
		durationMs: result.durationMs,
		samplesPerSecond: result.samplesPerSecond,
		modelId: model.id
	};
	const db = await openKilnDb();
	return write('the trained model', () =>
		atomically(db.transaction(['runs', 'models'], 'readwrite'), async (tx) => {
			await tx.objectStore('models').put(model);
			await tx.objectStore('runs').put(done);
			return done;
		})
	);
}

/** Record a run that ended without a model (cancelled or failed), keeping its history. */
export async function endRun(run: RunRecord, status: 'cancelled' | 'failed', change: Pick<RunRecord, 'history'> & { error?: string; backend?: string }): Promise<RunRecord> {
	const ended: RunRecord = { ...run, ...change, status, finishedAt: Date.now() };
	const db = await openKilnDb();
	await write('the run', () => db.put('runs', ended));
	return ended;
}

export async function getModel(id: string): Promise<ModelRecord> {
	const model = await (await openKilnDb()).get('models', id);
	if (!model) throw new KilnError('NotFoundError', 'This model is no longer stored.');
	return model;
}

export async function deleteRun(run: RunRecord): Promise<void> {
	const db = await openKilnDb();
	await atomically(db.transaction(['runs', 'models'], 'readwrite'), async (tx) => {
		if (run.modelId) await tx.objectStore('models').delete(run.modelId);
		await tx.objectStore('runs').delete(run.id);
	});
}

/**
 * A tab closed mid-training leaves a run marked running with nobody training it; on the next
 * load those become cancelled so the history says what happened.
 */
export async function settleOrphanRuns(projectId: string): Promise<void> {
	const db = await openKilnDb();
	await atomically(db.transaction('runs', 'readwrite'), async (tx) => {
		const runs = await tx.store.index('byProject').getAll(projectId);
		for (const run of runs) {
			if (run.status === 'running') await tx.store.put({ ...run, status: 'cancelled', error: 'The page was closed while this run was training.', finishedAt: Date.now() });
		}
	});
}
