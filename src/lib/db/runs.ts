import type { RunResult, TrainCheckpoint, TrainConfig } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { atomically, newId, openKilnDb, write } from './open';
import type { CheckpointRecord, EndedStatus, ModelRecord, ProjectRecord, RunRecord } from './schema';

const gone = () => new KilnError('NotFoundError', 'This project does not exist any more (it was deleted, perhaps in another tab).');

export interface NewRun {
	/** Chosen by the caller, so a Web Lock named after the run can be held before it exists. */
	id?: string;
	projectId: string;
	datasetId: string;
	config: TrainConfig;
	/** The pipeline version it trains with (absent: the built-in encoding). */
	pipelineId?: string;
	/** The search whose best config it trains, if any. */
	searchId?: string;
}

/**
 * Create a run marked running and remember its settings as the project's last config, in one
 * transaction: either both happen or neither, and never for a project deleted meanwhile.
 */
export async function createRun(run: NewRun): Promise<RunRecord> {
	const record: RunRecord = { ...run, id: run.id ?? newId('run'), createdAt: Date.now(), status: 'running', history: [] };
	const db = await openKilnDb();
	return write('the new run', () =>
		atomically(db.transaction(['projects', 'runs'], 'readwrite'), async (tx) => {
			const project = await tx.objectStore('projects').get(run.projectId);
			if (!project) throw gone();
			await tx.objectStore('projects').put({ ...project, lastConfig: run.config, updatedAt: Date.now() });
			await tx.objectStore('runs').put(record);
			return record;
		})
	);
}

export async function listRuns(projectId: string): Promise<RunRecord[]> {
	const runs = await (await openKilnDb()).getAllFromIndex('runs', 'byProject', projectId);
	return runs.sort((a, b) => b.createdAt - a.createdAt);
}

export async function getRun(id: string): Promise<RunRecord> {
	const run = await (await openKilnDb()).get('runs', id);
	if (!run) throw new KilnError('NotFoundError', 'This run is no longer stored.');
	return run;
}

/**
 * Store the trained model and mark the run done, together or not at all. The first model of a
 * project becomes its model in use; later ones wait until the person stars them.
 */
export async function finishRun(run: RunRecord, result: RunResult): Promise<RunRecord> {
	const model: ModelRecord = {
		id: newId('model'),
		runId: run.id,
		projectId: run.projectId,
		createdAt: Date.now(),
		artifacts: result.model,
		...(result.preprocessing ? { preprocessing: result.preprocessing } : {}),
		...(result.pipeline ? { pipeline: result.pipeline } : {}),
		...(result.inputs ? { inputs: result.inputs } : {}),
		...(result.missing ? { missing: result.missing } : {})
	};
	const done: RunRecord = {
		...run,
		status: 'done',
		error: undefined,
		finishedAt: Date.now(),
		history: result.history,
		metrics: result.metrics,
		backend: result.backend,
		durationMs: result.durationMs,
		samplesPerSecond: result.samplesPerSecond,
		modelId: model.id,
		split: { train: result.trainRows, validation: result.validationRows, holdout: result.holdoutRows },
		bestEpoch: result.bestEpoch,
		stoppedEarly: result.stoppedEarly,
		...(result.importances ? { importances: result.importances } : {}),
		...(result.classicInfo ? { classicInfo: result.classicInfo } : {}),
		...(result.backendProbe ? { backendProbe: result.backendProbe } : {}),
		crossValidation: result.crossValidation,
		leakage: result.leakage,
		balance: result.balance,
		notes: result.notes
	};
	const db = await openKilnDb();
	return write('the trained model', () =>
		atomically(db.transaction(['projects', 'runs', 'models', 'checkpoints'], 'readwrite'), async (tx) => {
			const project = await tx.objectStore('projects').get(run.projectId);
			if (!project) throw gone();
			if (!(await tx.objectStore('runs').get(run.id))) throw new KilnError('NotFoundError', 'This run was deleted while it trained; its model was not kept.');
			await tx.objectStore('models').put(model);
			await tx.objectStore('runs').put(done);
			await tx.objectStore('checkpoints').delete(run.id);
			if (!project.modelRunId) await tx.objectStore('projects').put({ ...project, modelRunId: run.id, updatedAt: Date.now() });
			return done;
		})
	);
}

/** Record a run that ended without a model (cancelled, failed or diverged), keeping its history. */
export async function endRun(run: RunRecord, status: EndedStatus, change: Pick<RunRecord, 'history'> & { error?: string; backend?: RunRecord['backend'] }): Promise<RunRecord> {
	const ended: RunRecord = { ...run, ...change, status, finishedAt: Date.now() };
	const db = await openKilnDb();
	await write('the run', () =>
		atomically(db.transaction(['runs', 'checkpoints'], 'readwrite'), async (tx) => {
			// A run deleted meanwhile (with its project) stays deleted.
			if (await tx.objectStore('runs').get(run.id)) await tx.objectStore('runs').put(ended);
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

/** Delete a run with its model and checkpoint; the project forgets it as its model in use. */
export async function deleteRun(run: RunRecord): Promise<void> {
	const db = await openKilnDb();
	await atomically(db.transaction(['projects', 'runs', 'models', 'checkpoints', 'artifacts'], 'readwrite'), async (tx) => {
		if (run.modelId) {
			await tx.objectStore('models').delete(run.modelId);
			// Files derived from the model (its evaluation, exports) go with it.
			for (const key of await tx.objectStore('artifacts').index('byModel').getAllKeys(run.modelId)) await tx.objectStore('artifacts').delete(key);
		}
		await tx.objectStore('checkpoints').delete(run.id);
		await tx.objectStore('runs').delete(run.id);
		const project = await tx.objectStore('projects').get(run.projectId);
		if (project?.modelRunId === run.id) await tx.objectStore('projects').put({ ...project, modelRunId: undefined, updatedAt: Date.now() });
	});
}

/** Make a finished run's model the one Predict uses. */
export async function useRunModel(projectId: string, runId: string): Promise<ProjectRecord> {
	const db = await openKilnDb();
	return write('the model in use', () =>
		atomically(db.transaction(['projects', 'runs'], 'readwrite'), async (tx) => {
			const project = await tx.objectStore('projects').get(projectId);
			if (!project) throw gone();
			const run = await tx.objectStore('runs').get(runId);
			if (run?.status !== 'done' || !run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model can be the model in use.');
			const next = { ...project, modelRunId: runId, updatedAt: Date.now() };
			await tx.objectStore('projects').put(next);
			return next;
		})
	);
}

/** Keep the latest checkpoint and the history so far, together, replacing the previous one. */
export async function saveCheckpoint(runId: string, checkpoint: TrainCheckpoint): Promise<boolean> {
	const record: CheckpointRecord = { runId, savedAt: Date.now(), checkpoint };
	const db = await openKilnDb();
	return write('a training checkpoint', () =>
		atomically(db.transaction(['projects', 'runs', 'checkpoints'], 'readwrite'), async (tx) => {
			const current = await tx.objectStore('runs').get(runId);
			if (current?.status !== 'running') return false; // the run ended or was deleted meanwhile
			if (!(await tx.objectStore('projects').get(current.projectId))) return false;
			await tx.objectStore('checkpoints').put(record);
			await tx.objectStore('runs').put({ ...current, history: checkpoint.history });
			return true;
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
	return write('the run', () =>
		atomically(db.transaction(['projects', 'runs'], 'readwrite'), async (tx) => {
			if (!(await tx.objectStore('projects').get(run.projectId))) throw gone();
			await tx.objectStore('runs').put(reopened);
			return reopened;
		})
	);
}
