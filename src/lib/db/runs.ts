import type { TrainCheckpoint, TrainResult } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { atomically, newId, openKilnDb, write } from './open';
import type { CheckpointRecord, ModelRecord, RunRecord } from './schema';

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
		atomically(db.transaction(['runs', 'models', 'checkpoints'], 'readwrite'), async (tx) => {
			await tx.objectStore('models').put(model);
			await tx.objectStore('runs').put(done);
			await tx.objectStore('checkpoints').delete(run.id);
			return done;
		})
	);
}

/** Record a run that ended without a model (cancelled or failed), keeping its history. */
export async function endRun(run: RunRecord, status: 'cancelled' | 'failed', change: Pick<RunRecord, 'history'> & { error?: string; backend?: string }): Promise<RunRecord> {
	const ended: RunRecord = { ...run, ...change, status, finishedAt: Date.now() };
	const db = await openKilnDb();
	await write('the run', () =>
		atomically(db.transaction(['runs', 'checkpoints'], 'readwrite'), async (tx) => {
			await tx.objectStore('runs').put(ended);
			await tx.objectStore('checkpoints').delete(run.id);
		})
	);
	return ended;
}

export async function getModel(id: string): Promise<ModelRecord> {
	const model = await (await openKilnDb()).get('models', id);
	if (!model) throw new KilnError('NotFoundError', 'This model is no longer stored.');
	return model;
}

export async function deleteRun(run: RunRecord): Promise<void> {
	const db = await openKilnDb();
	await atomically(db.transaction(['runs', 'models', 'checkpoints'], 'readwrite'), async (tx) => {
		if (run.modelId) await tx.objectStore('models').delete(run.modelId);
		await tx.objectStore('checkpoints').delete(run.id);
		await tx.objectStore('runs').delete(run.id);
	});
}

/** Keep the latest checkpoint and the history so far, together, replacing the previous one. */
export async function saveCheckpoint(run: RunRecord, checkpoint: TrainCheckpoint): Promise<void> {
	const record: CheckpointRecord = { runId: run.id, savedAt: Date.now(), checkpoint };
	const db = await openKilnDb();
	await write('a training checkpoint', () =>
		atomically(db.transaction(['runs', 'checkpoints'], 'readwrite'), async (tx) => {
			const current = await tx.objectStore('runs').get(run.id);
			if (current?.status !== 'running') return; // the run ended meanwhile
			await tx.objectStore('checkpoints').put(record);
			await tx.objectStore('runs').put({ ...current, history: checkpoint.history });
		})
	);
}

export async function getCheckpoint(runId: string): Promise<CheckpointRecord> {
	const record = await (await openKilnDb()).get('checkpoints', runId);
	if (!record) throw new KilnError('NotFoundError', 'This run has no checkpoint to resume from. Start a new run instead.');
	return record;
}

/**
 * A tab closed mid-training leaves a run marked running with nobody training it. On the next
 * load such runs become `interrupted` (resumable) when a checkpoint was saved, else `cancelled`.
 * `active` names runs another open tab is still training (they hold a Web Lock).
 */
export async function settleOrphanRuns(projectId: string, active: ReadonlySet<string> = new Set()): Promise<void> {
	const db = await openKilnDb();
	await atomically(db.transaction(['runs', 'checkpoints'], 'readwrite'), async (tx) => {
		const runs = await tx.objectStore('runs').index('byProject').getAll(projectId);
		for (const run of runs) {
			if (run.status !== 'running' || active.has(run.id)) continue;
			const saved = await tx.objectStore('checkpoints').get(run.id);
			await tx.objectStore('runs').put(
				saved
					? { ...run, status: 'interrupted', error: `The page was closed during epoch ${saved.checkpoint.epoch + 1}; resume from the checkpoint after epoch ${saved.checkpoint.epoch}.` }
					: { ...run, status: 'cancelled', error: 'The page was closed while this run was training.', finishedAt: Date.now() }
			);
		}
	});
}

/** Mark an interrupted run as running again before it resumes. */
export async function reopenRun(run: RunRecord): Promise<RunRecord> {
	const reopened: RunRecord = { ...run, status: 'running', error: undefined };
	const db = await openKilnDb();
	await write('the run', () => db.put('runs', reopened));
	return reopened;
}
