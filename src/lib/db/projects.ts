import { KilnError } from '$shared/errors';
import { atomically, newId, openKilnDb, write } from './open';
import type { ProjectRecord, RunRecord } from './schema';

export async function listProjects(): Promise<ProjectRecord[]> {
	const db = await openKilnDb();
	return (await db.getAll('projects')).sort((a, b) => b.updatedAt - a.updatedAt);
}

/** What the project list says of a project besides its name: its data, how many runs, the model in use. */
export interface ProjectSummary {
	locked: boolean;
	dataset?: { name: string; rows: number };
	runs: number;
	model?: Pick<RunRecord, 'config' | 'metrics'>;
}

export async function projectSummary(project: ProjectRecord): Promise<ProjectSummary> {
	if (project.lockState) return { locked: true, runs: 0 };
	const tx = (await openKilnDb()).transaction(['datasets', 'runs'], 'readonly');
	const [dataset, runs, model] = await Promise.all([
		project.datasetId ? tx.objectStore('datasets').get(project.datasetId) : undefined,
		tx.objectStore('runs').index('byProject').count(project.id),
		project.modelRunId ? tx.objectStore('runs').get(project.modelRunId) : undefined
	]);
	await tx.done;
	return {
		locked: false,
		runs,
		...(dataset && typeof dataset.rowCount === 'number' ? { dataset: { name: dataset.name, rows: dataset.rowCount } } : {}),
		...(model?.config && model.metrics ? { model: { config: model.config, metrics: model.metrics } } : {})
	};
}

export async function getProject(id: string): Promise<ProjectRecord> {
	const project = await (await openKilnDb()).get('projects', id);
	if (!project) throw new KilnError('NotFoundError', 'This project does not exist (it may have been deleted).');
	return project;
}

export async function createProject(name: string): Promise<ProjectRecord> {
	const trimmed = name.trim();
	if (!trimmed) throw new KilnError('SchemaMismatchError', 'Give the project a name.');
	const now = Date.now();
	const project: ProjectRecord = { id: newId('project'), name: trimmed, createdAt: now, updatedAt: now };
	const db = await openKilnDb();
	await write('the new project', () => db.put('projects', project));
	return project;
}

export async function updateProject(id: string, change: Partial<Omit<ProjectRecord, 'id' | 'createdAt'>>): Promise<ProjectRecord> {
	const db = await openKilnDb();
	return write('the project', () =>
		atomically(db.transaction('projects', 'readwrite'), async (tx) => {
			const current = await tx.store.get(id);
			if (!current) throw new KilnError('NotFoundError', 'This project does not exist (it may have been deleted).');
			const next = { ...current, ...change, updatedAt: Date.now() };
			await tx.store.put(next);
			return next;
		})
	);
}

/** Delete a project with everything it owns, in one transaction. */
export async function deleteProject(id: string): Promise<void> {
	const db = await openKilnDb();
	await atomically(db.transaction(['projects', 'datasets', 'chunks', 'runs', 'models', 'checkpoints', 'pipelines', 'searches', 'trials', 'artifacts'], 'readwrite'), async (tx) => {
		const datasets = await tx.objectStore('datasets').index('byProject').getAllKeys(id);
		for (const datasetId of datasets) {
			await tx.objectStore('chunks').delete(IDBKeyRange.bound([datasetId, 0], [datasetId, Infinity]));
			await tx.objectStore('datasets').delete(datasetId);
		}
		const runs = await tx.objectStore('runs').index('byProject').getAll(id);
		for (const run of runs) {
			// By index, not run.modelId: a locked project's runs keep only their keys readable.
			for (const key of await tx.objectStore('models').index('byRun').getAllKeys(run.id)) await tx.objectStore('models').delete(key);
			await tx.objectStore('checkpoints').delete(run.id);
			await tx.objectStore('runs').delete(run.id);
		}
		for (const key of await tx.objectStore('pipelines').index('byProject').getAllKeys(id)) await tx.objectStore('pipelines').delete(key);
		for (const search of await tx.objectStore('searches').index('byProject').getAllKeys(id)) {
			await tx.objectStore('trials').delete(IDBKeyRange.bound([search, -Infinity], [search, Infinity]));
			await tx.objectStore('searches').delete(search);
		}
		for (const key of await tx.objectStore('artifacts').index('byProject').getAllKeys(id)) await tx.objectStore('artifacts').delete(key);
		await tx.objectStore('projects').delete(id);
	});
}
