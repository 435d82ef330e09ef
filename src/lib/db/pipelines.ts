import { KilnError } from '$shared/errors';
import { atomically, newId, openKilnDb, write } from './open';
import type { PipelineRecord } from './schema';

export interface NewPipelineVersion {
	projectId: string;
	datasetId?: string;
	name: string;
	/** The serialised pipeline (plain JSON). */
	pipeline: unknown;
}

/**
 * Save a pipeline as the project's next version. Versions are never changed afterwards, so a
 * run that recorded one can always tell exactly which steps it trained with.
 */
export async function savePipelineVersion(input: NewPipelineVersion): Promise<PipelineRecord> {
	const db = await openKilnDb();
	return write('the pipeline', () =>
		atomically(db.transaction(['projects', 'pipelines'], 'readwrite'), async (tx) => {
			if (!(await tx.objectStore('projects').get(input.projectId))) throw new KilnError('NotFoundError', 'This project does not exist (it may have been deleted).');
			const existing = await tx.objectStore('pipelines').index('byProject').getAll(input.projectId);
			const version = existing.reduce((n, p) => Math.max(n, p.version), 0) + 1;
			const record: PipelineRecord = { id: newId('pipeline'), projectId: input.projectId, datasetId: input.datasetId, version, name: input.name, createdAt: Date.now(), pipeline: input.pipeline };
			await tx.objectStore('pipelines').put(record);
			return record;
		})
	);
}

/** The project's pipeline versions, newest first. */
export async function listPipelines(projectId: string): Promise<PipelineRecord[]> {
	const list = await (await openKilnDb()).getAllFromIndex('pipelines', 'byProject', projectId);
	return list.sort((a, b) => b.version - a.version);
}

export async function getPipeline(id: string): Promise<PipelineRecord> {
	const record = await (await openKilnDb()).get('pipelines', id);
	if (!record) throw new KilnError('NotFoundError', 'This pipeline version is no longer stored.');
	return record;
}

/** Delete a version no run recorded; versions runs trained with stay, so their runs can be explained. */
export async function deletePipeline(record: PipelineRecord): Promise<void> {
	const db = await openKilnDb();
	await atomically(db.transaction(['runs', 'pipelines'], 'readwrite'), async (tx) => {
		const runs = await tx.objectStore('runs').index('byProject').getAll(record.projectId);
		const used = runs.filter((r) => r.pipelineId === record.id).length;
		if (used > 0) throw new KilnError('ValidationError', `Version ${record.version} of "${record.name}" trained ${used} run${used === 1 ? '' : 's'}; it is kept so ${used === 1 ? 'that run' : 'they'} can be explained.`);
		await tx.objectStore('pipelines').delete(record.id);
	});
}
