import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseCsv } from '$workers/lib/csv';
import { bytes } from '../../../tests/unit-support';
import { tableToChunks, chunksToTable, describeColumns } from './columnar';
import { atomically, openKilnDb, write } from './open';
import { regressionResult, resetKilnDb } from './db.spec-support';
import { createProject, deleteProject, getProject, listProjects } from './projects';
import { deleteDataset, listDatasets, loadTable, readRows, saveDataset, useDataset } from './datasets';
import { createRun, deleteRun, endRun, finishRun, getCheckpoint, listRuns, reopenRun, saveCheckpoint, settleOrphanRuns, useRunModel } from './runs';
import type { TrainCheckpoint, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { getSetting, setSetting } from './settings';

const csv = 'x,kind,y\n1,a,0.5\n2,b,\n,a,1.5\n4,,2\n';
const parsed = () => parseCsv(bytes(csv), 'small.csv');

beforeEach(resetKilnDb);

describe('columnar chunks', () => {
	it('split a table into chunks and join them back unchanged', () => {
		const { table } = parsed();
		const chunks = tableToChunks('d', table, 3);
		expect(chunks.map((c) => c.rowCount)).toEqual([3, 1]);
		expect(chunksToTable(describeColumns(table), chunks.reverse())).toEqual(table);
	});
});

describe('repositories', () => {
	it('store a dataset as chunks with its target, and read any rows back', async () => {
		const project = await createProject('  Demo  ');
		expect(project.name).toBe('Demo');
		const { table, profile } = parsed();
		const record = await saveDataset({ projectId: project.id, name: 'Small', fileName: 'small.csv', source: 'upload', table, profile, target: 'y', task: 'regression' });
		expect(await getProject(project.id)).toMatchObject({ datasetId: record.id, target: 'y', task: 'regression' });
		expect(await loadTable(record)).toEqual(table);
		const rows = await readRows(record, 1, 2);
		expect(rows.rowCount).toBe(2);
		const x = rows.columns[0];
		expect(x.kind === 'numeric' && Array.from(x.values)).toEqual([2, NaN]);
	});

	it('keep every dataset of a project; delete one only when no resumable run needs it', async () => {
		const project = await createProject('Several');
		const { table, profile } = parsed();
		const save = (name: string) => saveDataset({ projectId: project.id, name, fileName: `${name}.csv`, source: 'upload', table, profile, target: 'y', task: 'regression' });
		const first = await save('first');
		// Newest first is by creation time; two saves in the same millisecond have no order.
		await new Promise((resolve) => setTimeout(resolve, 2));
		const second = await save('second');
		expect((await listDatasets(project.id)).map((d) => d.name)).toEqual(['second', 'first']);
		await useDataset(project.id, first.id);
		expect(await getProject(project.id)).toMatchObject({ datasetId: first.id, target: 'y' });
		const run = await createRun({ projectId: project.id, datasetId: first.id, config: config() });
		await expect(deleteDataset(first)).rejects.toMatchObject({ name: 'ValidationError' });
		await endRun(run, 'cancelled', { history: [] });
		await deleteDataset(first);
		expect((await listDatasets(project.id)).map((d) => d.id)).toEqual([second.id]);
		expect((await getProject(project.id)).datasetId).toBeUndefined();
		expect(await (await openKilnDb()).count('chunks')).toBe(1);
	});

	it('leave everything as it was when the disk is full during the writes', async () => {
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
		expect(await (await openKilnDb()).count('chunks')).toBe(1);
	});

	it.each([
		['QuotaExceededError', 'QuotaExceededError', /not enough storage space/],
		['UnknownError', 'StorageError', /could not write the dataset "second.csv" to its storage; the disk may be full. Nothing was changed/]
	])('leave everything as it was when the commit fails with %s, as real browsers report a full disk', async (browserError, kind, message) => {
		const project = await createProject('Commit fails');
		const { table, profile } = parsed();
		const first = await saveDataset({ projectId: project.id, name: 'First', fileName: 'first.csv', source: 'upload', table, profile });
		const original = IDBObjectStore.prototype.put;
		// Every write succeeds; then the transaction aborts at commit time with the browser's error.
		const spy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
			const request = original.call(this, value, key);
			if (this.name === 'projects') {
				const tx = this.transaction;
				Object.defineProperty(tx, 'error', { get: () => new DOMException('Failed to write blobs (IOError)', browserError) });
				request.addEventListener('success', () => tx.abort());
			}
			return request;
		});
		await expect(saveDataset({ projectId: project.id, name: 'Second', fileName: 'second.csv', source: 'upload', table, profile })).rejects.toMatchObject({ name: kind, message: expect.stringMatching(message) });
		spy.mockRestore();
		expect((await getProject(project.id)).datasetId).toBe(first.id);
		expect((await listDatasets(project.id)).map((d) => d.name)).toEqual(['First']);
		expect(await (await openKilnDb()).count('chunks')).toBe(1);
	});

	it('create a run and remember its settings together, never for a deleted project', async () => {
		const project = await createProject('Runs');
		const run = await createRun({ projectId: project.id, datasetId: 'd', config: config({ epochs: 7 }) });
		expect(run.status).toBe('running');
		expect((await getProject(project.id)).lastConfig?.epochs).toBe(7);
		await deleteProject(project.id);
		await expect(createRun({ projectId: project.id, datasetId: 'd', config: config() })).rejects.toMatchObject({ name: 'NotFoundError' });
		expect(await (await openKilnDb()).count('runs')).toBe(0);
	});

	it('make the first finished model the one in use, and only the person changes it', async () => {
		const project = await createProject('Stars');
		const a = await finishRun(await createRun({ projectId: project.id, datasetId: 'd', config: config() }), result());
		const b = await finishRun(await createRun({ projectId: project.id, datasetId: 'd', config: config() }), result());
		expect((await getProject(project.id)).modelRunId).toBe(a.id);
		await useRunModel(project.id, b.id);
		expect((await getProject(project.id)).modelRunId).toBe(b.id);
		await deleteRun(b);
		expect((await getProject(project.id)).modelRunId).toBeUndefined();
	});

	it('store no model for a project deleted while its run trained', async () => {
		const project = await createProject('Deleted mid-run');
		const run = await createRun({ projectId: project.id, datasetId: 'd', config: config() });
		await deleteProject(project.id);
		await expect(finishRun(run, result())).rejects.toMatchObject({ name: 'NotFoundError' });
		expect(await saveCheckpoint(run.id, checkpoint())).toBe(false);
		const db = await openKilnDb();
		expect([await db.count('models'), await db.count('runs'), await db.count('checkpoints')]).toEqual([0, 0, 0]);
	});

	it('delete a project with its datasets, chunks and runs', async () => {
		await createProject('Keep');
		const drop = await createProject('Drop');
		const { table, profile } = parsed();
		const dataset = await saveDataset({ projectId: drop.id, name: 'D', fileName: 'd.csv', source: 'upload', table, profile });
		const run = await createRun({ projectId: drop.id, datasetId: dataset.id, config: config() });
		await finishRun(run, result());
		await deleteProject(drop.id);
		expect((await listProjects()).map((p) => p.name)).toEqual(['Keep']);
		const db = await openKilnDb();
		expect([await db.count('chunks'), await db.count('runs'), await db.count('models'), await db.count('datasets')]).toEqual([0, 0, 0, 0]);
	});

	it('settle runs left running by a closed tab: resumable with a checkpoint, else cancelled', async () => {
		const project = await createProject('Orphans');
		const base = { projectId: project.id, datasetId: 'd', config: config() };
		const withCheckpoint = await createRun(base);
		const without = await createRun(base);
		const otherTab = await createRun(base);
		const saved = checkpoint();
		expect(await saveCheckpoint(withCheckpoint.id, saved)).toBe(true);
		await settleOrphanRuns(project.id, new Set([otherTab.id]));
		const byId = new Map((await listRuns(project.id)).map((r) => [r.id, r]));
		expect(byId.get(withCheckpoint.id)).toMatchObject({ status: 'interrupted', history: saved.history });
		expect(byId.get(withCheckpoint.id)!.error).toMatch(/resume from the checkpoint after epoch 1/);
		expect(byId.get(without.id)!.status).toBe('cancelled');
		expect(byId.get(otherTab.id)!.status).toBe('running');
		expect((await getCheckpoint(withCheckpoint.id)).checkpoint.epoch).toBe(1);

		// Resuming reopens the run; ending it drops the checkpoint; a checkpoint after the end is refused.
		const reopened = await reopenRun(byId.get(withCheckpoint.id)!);
		expect(reopened.status).toBe('running');
		await endRun(reopened, 'diverged', { history: saved.history, error: 'exploded' });
		await expect(getCheckpoint(withCheckpoint.id)).rejects.toMatchObject({ name: 'NotFoundError' });
		expect(await saveCheckpoint(withCheckpoint.id, saved)).toBe(false);
		expect((await listRuns(project.id)).find((r) => r.id === withCheckpoint.id)?.status).toBe('diverged');
	});

	it('remember settings with defaults', async () => {
		expect(await getSetting('backend')).toBe('auto');
		await setSetting('backend', 'wasm');
		expect(await getSetting('backend')).toBe('wasm');
	});
});

describe('atomically', () => {
	it('reports a transaction that fails at commit, after its body succeeded', async () => {
		const quota = new DOMException('quota', 'QuotaExceededError');
		let aborted = false;
		const tx = { abort: () => void (aborted = true), done: Promise.reject(quota) };
		await expect(write('the thing', () => atomically(tx, async () => 'body ran'))).rejects.toMatchObject({ name: 'QuotaExceededError', message: expect.stringContaining('save the thing') });
		expect(aborted).toBe(true);
	});
});

function config(change: Partial<TrainConfig> = {}): TrainConfig {
	return { ...DEFAULT_CONFIG, target: 'y', task: 'regression', features: ['x'], ...change };
}

function checkpoint(): TrainCheckpoint {
	const history = [{ epoch: 1, trainLoss: 1, valLoss: 1, valMetric: 0.5 }];
	return { epoch: 1, history, trainingMs: 10, model: { modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(8) }, optimizer: { specs: [], data: new ArrayBuffer(8) } };
}

const result = regressionResult;
