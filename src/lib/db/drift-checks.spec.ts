import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { DriftReport } from '$workers/protocol';
import { classificationResult, resetKilnDb } from './db.spec-support';
import { listDriftChecks, MAX_DRIFT_CHECKS, saveDriftCheck } from './drift-checks';
import { createProject, deleteProject } from './projects';
import { createRun, deleteRun, finishRun } from './runs';
import { openKilnDb } from './open';

beforeEach(resetKilnDb);

const report = (psi: number): DriftReport => ({
	referenceRows: 100,
	currentRows: 40,
	columns: [{ name: 'x', kind: 'numeric', psi, level: psi < 0.1 ? 'stable' : 'major', bins: [{ label: 'any value', reference: 1, current: 1 }], missing: { reference: 0, current: 0 }, summary: { reference: 'r', current: 'c' } }],
	predictions: null,
	notes: []
});

async function trainedRun() {
	const project = await createProject('Watched');
	const run = await finishRun(await createRun({ projectId: project.id, datasetId: 'd', config: { ...DEFAULT_CONFIG, target: 'y', task: 'classification', features: ['x'] } }), classificationResult());
	return { project, run, modelId: run.modelId! };
}

describe('drift checks', () => {
	it('are kept per model, oldest first, and deleted with the run', async () => {
		const { project, run, modelId } = await trainedRun();
		await saveDriftCheck(project.id, { modelId, at: 2000, fileName: 'b.csv', report: report(0.4) });
		await saveDriftCheck(project.id, { modelId, at: 1000, fileName: 'a.csv', report: report(0.01) });
		expect((await listDriftChecks(modelId)).map((c) => [c.fileName, c.report.columns[0].psi])).toEqual([['a.csv', 0.01], ['b.csv', 0.4]]);
		expect(await listDriftChecks('model-other')).toEqual([]);
		await deleteRun(run);
		expect(await listDriftChecks(modelId)).toEqual([]);
		await deleteProject(project.id);
	});

	it(`keep the latest ${MAX_DRIFT_CHECKS} of a model and leave its other files alone`, async () => {
		const { project, run, modelId } = await trainedRun();
		// Another of the model's files (as an export is stored), which the trimming must not touch.
		await (await openKilnDb()).put('artifacts', { id: `export-${run.id}`, projectId: project.id, modelId, kind: 'onnx', name: 'model.onnx', createdAt: 1, bytes: new ArrayBuffer(8), meta: {} });
		const others = async () => (await (await openKilnDb()).getAllKeys('artifacts')).filter((k) => !String(k).startsWith('drift-'));
		const before = await others();
		for (let i = 0; i < MAX_DRIFT_CHECKS + 3; i++) await saveDriftCheck(project.id, { modelId, at: 1000 + i, fileName: `f${i}.csv`, report: report(0) });
		const kept = await listDriftChecks(modelId);
		expect(kept).toHaveLength(MAX_DRIFT_CHECKS);
		expect(kept[0].fileName).toBe('f3.csv');
		expect(kept.at(-1)!.fileName).toBe(`f${MAX_DRIFT_CHECKS + 2}.csv`);
		expect(before).toEqual([`export-${run.id}`]);
		expect(await others()).toEqual(before);
	});

	it('refuse a model deleted meanwhile', async () => {
		const project = await createProject('Empty');
		await expect(saveDriftCheck(project.id, { modelId: 'model-gone', at: 1, fileName: 'a.csv', report: report(0) })).rejects.toThrow('This model was deleted meanwhile');
	});
});
