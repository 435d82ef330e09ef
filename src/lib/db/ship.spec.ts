import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '$workers/lib/csv';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { bytes } from '../../../tests/unit-support';
import { classificationResult, resetKilnDb } from './db.spec-support';
import { createProject, getProject, listProjects } from './projects';
import { listDatasets, loadTable, saveDataset } from './datasets';
import { createRun, finishRun, getRun, listRuns } from './runs';
import { readProjectRecords, saveRunNotes, storeProjectRecords } from './ship';

beforeEach(resetKilnDb);

const { table, profile } = parseCsv(bytes('x,y\n1,a\n2,b\n3,a\n'), 'small.csv');
const config = { ...DEFAULT_CONFIG, target: 'y', task: 'classification' as const, features: ['x'] };
const result = classificationResult();

async function trainedProject() {
	const project = await createProject('Small');
	const dataset = await saveDataset({ projectId: project.id, name: 'small', fileName: 'small.csv', source: 'upload', table, profile, target: 'y', task: 'classification' });
	const run = await finishRun(await createRun({ projectId: project.id, datasetId: dataset.id, config }), result);
	return { project, dataset, run };
}

describe('ship repositories', () => {
	it('store the model card fields with the run, dropping empty ones', async () => {
		const { run } = await trainedProject();
		await saveRunNotes(run.id, { intendedUse: { primaryUses: ' Teaching ', users: '', outOfScope: 'Medicine' }, limitations: '  ' });
		expect(await getRun(run.id)).toMatchObject({ intendedUse: { primaryUses: 'Teaching', outOfScope: 'Medicine' }, status: 'done' });
		expect((await getRun(run.id)).intendedUse?.users).toBeUndefined();
		expect((await getRun(run.id)).limitations).toBeUndefined();
	});

	it('read a whole project, with or without its rows', async () => {
		const { project, run } = await trainedProject();
		const without = await readProjectRecords(project.id, false);
		expect(without.chunks).toEqual([]);
		expect(without.runs.map((r) => r.id)).toEqual([run.id]);
		expect(without.models.map((m) => m.runId)).toEqual([run.id]);
		const withRows = await readProjectRecords(project.id, true);
		expect(withRows.chunks.reduce((n, c) => n + c.rowCount, 0)).toBe(3);
		await expect(readProjectRecords('nope', false)).rejects.toThrow(/does not exist/);
	});

	it('store a new project in one transaction, and nothing when any record clashes', async () => {
		const { project } = await trainedProject();
		const records = await readProjectRecords(project.id, true);
		const copy = { ...records, project: { ...records.project, id: 'copy' }, datasets: records.datasets.map((d) => ({ ...d, id: 'copy-d', projectId: 'copy' })), chunks: records.chunks.map((c) => ({ ...c, datasetId: 'copy-d' })), runs: records.runs.map((r) => ({ ...r, id: 'copy-r', projectId: 'copy', datasetId: 'copy-d', modelId: 'copy-m' })), models: records.models.map((m) => ({ ...m, id: 'copy-m', runId: 'copy-r', projectId: 'copy' })) };
		await storeProjectRecords(copy);
		expect((await getProject('copy')).name).toBe('Small');
		expect((await loadTable((await listDatasets('copy'))[0])).rowCount).toBe(3);
		// Same ids again: the add fails and no half of it is stored.
		await expect(storeProjectRecords({ ...copy, project: { ...copy.project, id: 'third' } })).rejects.toThrow();
		expect((await listProjects()).map((p) => p.id).sort()).toEqual(['copy', project.id].sort());
		expect(await listRuns('third')).toEqual([]);
	});
});
