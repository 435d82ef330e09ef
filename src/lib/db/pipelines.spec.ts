import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { resetKilnDb } from './db.spec-support';
import { createProject, deleteProject } from './projects';
import { deletePipeline, getPipeline, listPipelines, savePipelineVersion } from './pipelines';
import { createRun } from './runs';

beforeEach(resetKilnDb);

const pipeline = (steps: unknown[]) => ({ format: 'kiln-pipeline', version: 1, steps, features: [] });

describe('pipeline versions', () => {
	it('numbers each save as the next version, lists newest first, and keeps versions a run trained with', async () => {
		const project = await createProject('Pipes');
		const first = await savePipelineVersion({ projectId: project.id, datasetId: 'd', name: 'Cleaning', pipeline: pipeline([]) });
		const second = await savePipelineVersion({ projectId: project.id, datasetId: 'd', name: 'Cleaning', pipeline: pipeline([{ kind: 'drop', columns: ['x'] }]) });
		expect([first.version, second.version]).toEqual([1, 2]);
		expect((await listPipelines(project.id)).map((p) => p.version)).toEqual([2, 1]);
		expect((await getPipeline(first.id)).pipeline).toEqual(pipeline([]));
		await createRun({ projectId: project.id, datasetId: 'd', config: { ...DEFAULT_CONFIG, target: 'y', task: 'regression', features: ['x'] }, pipelineId: second.id });
		await expect(deletePipeline(second)).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('trained 1 run') });
		await deletePipeline(first);
		expect((await listPipelines(project.id)).map((p) => p.version)).toEqual([2]);
		await deleteProject(project.id);
		expect(await listPipelines(project.id)).toEqual([]);
	});

	it('refuses a version for a project that is gone', async () => {
		await expect(savePipelineVersion({ projectId: 'nope', name: 'x', pipeline: pipeline([]) })).rejects.toMatchObject({ name: 'NotFoundError' });
	});
});
