import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { classificationResult, resetKilnDb } from './db.spec-support';
import { openKilnDb } from './open';
import { createProject, projectSummary, updateProject } from './projects';
import { createRun, finishRun } from './runs';

beforeEach(resetKilnDb);

describe('a project summary', () => {
	it('reads the data, counts the runs and names the model in use', async () => {
		const project = await createProject('Listed');
		expect(await projectSummary(project)).toEqual({ locked: false, runs: 0 });
		const config = { ...DEFAULT_CONFIG, target: 'y', task: 'classification' as const, features: ['x'] };
		const first = await finishRun(await createRun({ projectId: project.id, datasetId: 'dataset-1', config }), classificationResult());
		await finishRun(await createRun({ projectId: project.id, datasetId: 'dataset-1', config }), classificationResult());
		await (await openKilnDb()).put('datasets', { id: 'dataset-1', projectId: project.id, name: 'rows.csv', rowCount: 1234 } as never);
		const updated = await updateProject(project.id, { datasetId: 'dataset-1', modelRunId: first.id });
		const summary = await projectSummary(updated);
		expect(summary).toMatchObject({ locked: false, runs: 2, dataset: { name: 'rows.csv', rows: 1234 } });
		expect(summary.model?.config.features).toEqual(['x']);
		expect(await projectSummary({ ...updated, lockState: 'locked' })).toEqual({ locked: true, runs: 0 });
	});
});
