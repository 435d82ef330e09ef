import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { Table } from '$workers/protocol';
import { classificationResult, resetKilnDb } from './db.spec-support';
import { saveDataset } from './datasets';
import { saveDriftCheck } from './drift-checks';
import { openKilnDb } from './open';
import { createProject, updateProject } from './projects';
import { createRun, finishRun } from './runs';
import { storageByProject } from './storage-use';

beforeEach(resetKilnDb);

const table: Table = { rowCount: 3, columns: [{ name: 'x', kind: 'numeric', values: Float64Array.from([1, 2, 3]) }, { name: 'y', kind: 'categorical', categories: ['a', 'b'], codes: Int32Array.from([0, 1, 0]) }] };

describe('storage by project', () => {
	it('adds up each project’s rows, weights and files, largest first; a locked one reads as locked', async () => {
		const small = await createProject('Small');
		const big = await createProject('Big');
		const dataset = await saveDataset({ projectId: big.id, name: 'rows', fileName: 'rows.csv', source: 'upload', table, profile: [] });
		const weights = new ArrayBuffer(4000);
		const run = await finishRun(await createRun({ projectId: big.id, datasetId: dataset.id, config: { ...DEFAULT_CONFIG, target: 'y', task: 'classification', features: ['x'] } }), classificationResult({ modelTopology: {}, weightSpecs: [], weightData: weights }));
		await (await openKilnDb()).put('artifacts', { id: 'export-1', projectId: big.id, modelId: run.modelId!, kind: 'onnx', name: 'm.onnx', createdAt: 1, bytes: new ArrayBuffer(700), meta: {} });
		await saveDriftCheck(big.id, { modelId: run.modelId!, at: 1, fileName: 'new.csv', report: { referenceRows: 1, currentRows: 1, columns: [], predictions: null, notes: [] } });
		const locked = await createProject('Locked');
		await updateProject(locked.id, { lockState: 'locked' });

		const use = await storageByProject();
		expect(use.map((p) => p.name)).toEqual(['Big', 'Small', 'Locked']);
		expect(use[0]).toMatchObject({ data: dataset.bytes, models: 4000, files: 700, locked: false });
		expect(dataset.bytes).toBeGreaterThan(0);
		expect(use[1]).toMatchObject({ projectId: small.id, data: 0, models: 0, files: 0 });
		expect(use[2]).toMatchObject({ locked: true, data: 0 });
	});
});
