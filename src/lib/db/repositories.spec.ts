import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseCsv } from '$workers/lib/csv';
import { bytes } from '../../../tests/unit-support';
import { tableToChunks, chunksToTable, describeColumns } from './columnar';
import { closeKilnDb, openKilnDb } from './open';
import { createProject, deleteProject, getProject, listProjects } from './projects';
import { listDatasets, loadTable, saveDataset } from './datasets';
import { createRun, endRun, getCheckpoint, listRuns, reopenRun, saveCheckpoint, settleOrphanRuns } from './runs';
import { getSetting, setSetting } from './settings';

const csv = 'x,kind,y\n1,a,0.5\n2,b,\n,a,1.5\n4,,2\n';
const parsed = () => parseCsv(bytes(csv), 'small.csv');

beforeEach(async () => {
	await closeKilnDb();
	await new Promise((resolve) => {
		const request = indexedDB.deleteDatabase('kiln');
		request.onsuccess = request.onerror = resolve;
	});
});

describe('columnar chunks', () => {
	it('split a table into chunks and join them back unchanged', () => {
		const { table } = parsed();
		const chunks = tableToChunks('d', table, 3);
		expect(chunks.map((c) => c.rowCount)).toEqual([3, 1]);
		expect(chunksToTable(describeColumns(table), chunks.reverse())).toEqual(table);
	});
});

describe('repositories', () => {
	it('store a dataset as chunks and make it the project dataset', async () => {
		const project = await createProject('  Demo  ');
		expect(project.name).toBe('Demo');
		const { table, profile } = parsed();
		const record = await saveDataset({ projectId: project.id, name: 'Small', fileName: 'small.csv', source: 'upload', table, profile });
		expect((await getProject(project.id)).datasetId).toBe(record.id);
		expect(await loadTable(record)).toEqual(table);
		expect(await listDatasets(project.id)).toHaveLength(1);
	});

	it('replace the project dataset, keeping an older one only while an interrupted run needs it', async () => {
		const project = await createProject('Replace');
		const { table, profile } = parsed();
		const save = (name: string) => saveDataset({ projectId: project.id, name, fileName: `${name}.csv`, source: 'upload', table, profile });
		const first = await save('first');
		const run = await createRun({ projectId: project.id, datasetId: first.id, config: {} as never });
		await save('second');
		// `first` stays: its run is still running and may resume.
		expect((await listDatasets(project.id)).map((d) => d.name).sort()).toEqual(['first', 'second']);
		await endRun(run, 'cancelled', { history: [] });
		await save('third');
		expect((await listDatasets(project.id)).map((d) => d.name)).toEqual(['third']);
		const db = await openKilnDb();
		expect(await db.count('chunks')).toBe(1);
	});

	it('leave everything as it was when the disk is full', async () => {
		const project = await createProject('Full disk');
		const { table, profile } = parsed();
		const first = await saveDataset({ projectId: project.id, name: 'First', fileName: 'first.csv', source: 'upload', table, profile });
		const original = IDBObjectStore.prototype.put;
		const spy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
			if (this.name === 'chunks') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
			return original.call(this, value, key);
		});
		await expect(saveDataset({ projectId: project.id, name: 'Second', fileName: 'second.csv', source: 'upload', table, profile })).rejects.toMatchObject({
			name: 'QuotaExceededError',
			message: expect.stringContaining('not enough storage space to save the dataset "second.csv". Nothing was changed')
		});
		spy.mockRestore();
		expect((await getProject(project.id)).datasetId).toBe(first.id);
		expect((await listDatasets(project.id)).map((d) => d.name)).toEqual(['First']);
		const db = await openKilnDb();
		expect(await db.count('chunks')).toBe(1);
	});

	it('delete a project with its datasets, chunks and runs', async () => {
		const keep = await createProject('Keep');
		const drop = await createProject('Drop');
		const { table, profile } = parsed();
		const dataset = await saveDataset({ projectId: drop.id, name: 'D', fileName: 'd.csv', source: 'upload', table, profile });
		const run = await createRun({ projectId: drop.id, datasetId: dataset.id, config: {} as never });
		await endRun(run, 'cancelled', { history: [] });
		expect((await listRuns(drop.id))[0].status).toBe('cancelled');
		await deleteProject(drop.id);
		expect((await listProjects()).map((p) => p.name)).toEqual(['Keep']);
		const db = await openKilnDb();
		expect(await db.count('chunks')).toBe(0);
		expect(await db.count('runs')).toBe(0);
		expect(keep.id).toBeTruthy();
	});

	it('settle runs left running by a closed tab: resumable with a checkpoint, else cancelled', async () => {
		const project = await createProject('Orphans');
		const base = { projectId: project.id, datasetId: 'd', config: {} as never };
		const withCheckpoint = await createRun(base);
		const without = await createRun(base);
		const otherTab = await createRun(base);
		const history = [{ epoch: 1, trainLoss: 1, valLoss: 1, valMetric: 0.5 }];
		const checkpoint = { epoch: 1, history, trainingMs: 10, model: {} as never, optimizer: { specs: [], data: new ArrayBuffer(8) } };
		await saveCheckpoint(withCheckpoint, checkpoint);
		await settleOrphanRuns(project.id, new Set([otherTab.id]));
		const byId = new Map((await listRuns(project.id)).map((r) => [r.id, r]));
		expect(byId.get(withCheckpoint.id)).toMatchObject({ status: 'interrupted', history });
		expect(byId.get(withCheckpoint.id)!.error).toMatch(/resume from the checkpoint after epoch 1/);
		expect(byId.get(without.id)!.status).toBe('cancelled');
		expect(byId.get(otherTab.id)!.status).toBe('running');
		expect((await getCheckpoint(withCheckpoint.id)).checkpoint.epoch).toBe(1);

		// Resuming reopens the run; ending it drops the checkpoint.
		const reopened = await reopenRun(byId.get(withCheckpoint.id)!);
		expect(reopened.status).toBe('running');
		await endRun(reopened, 'cancelled', { history });
		await expect(getCheckpoint(withCheckpoint.id)).rejects.toMatchObject({ name: 'NotFoundError' });
	});

	it('remember settings with defaults', async () => {
		expect(await getSetting('backend')).toBe('auto');
		await setSetting('backend', 'wasm');
		expect(await getSetting('backend')).toBe('wasm');
	});
});
