import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '$workers/lib/csv';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { TradeoffTable, VariantRow } from '$workers/protocol';
import { bytes } from '../../../tests/unit-support';
import { openKilnDb } from './open';
import { classificationResult, resetKilnDb } from './db.spec-support';
import { createProject } from './projects';
import { saveDataset } from './datasets';
import { createRun, deleteRun, finishRun } from './runs';
import { clearVariants, getTradeoff, getVariant, saveTradeoff, saveVariant } from './ship-variants';

beforeEach(resetKilnDb);

const { table, profile } = parseCsv(bytes('x,y\n1,a\n2,b\n3,a\n'), 'small.csv');
const config = { ...DEFAULT_CONFIG, target: 'y', task: 'classification' as const, features: ['x'] };
const result = classificationResult({ modelTopology: { a: 1 }, weightSpecs: [{ name: 'k', shape: [2], dtype: 'float32' }], weightData: new Float32Array([1, 2]).buffer });

const row = (id: string): VariantRow => ({ id, label: id, params: 2, nonZero: 1, metricName: 'accuracy' });

describe('ship variants repository', () => {
	it('keeps variants and the table with the run, clears them for a new comparison, and deletes them with the run', async () => {
		const project = await createProject('Small');
		const dataset = await saveDataset({ projectId: project.id, name: 'small', fileName: 'small.csv', source: 'upload', table, profile, target: 'y', task: 'classification' });
		const run = await finishRun(await createRun({ projectId: project.id, datasetId: dataset.id, config }), result);
		await saveVariant(run, { id: 'int8', label: 'int8', artifacts: result.model, onnx: new Uint8Array([1, 2, 3]) }, row('int8'));
		await saveVariant(run, { id: 'float16', label: 'f16', artifacts: result.model }, row('float16'));
		const table2: TradeoffTable = { runId: run.id, createdAt: 1, holdoutRows: 1, settings: { runId: run.id, sparsities: [0.5], fineTuneEpochs: 2 }, rows: [row('int8'), row('float16')], durationMs: 3 };
		await saveTradeoff(run, table2);
		const v = await getVariant(run.id, 'int8');
		expect(Array.from(v.onnx!)).toEqual([1, 2, 3]);
		expect(Array.from(new Float32Array(v.artifacts.weightData))).toEqual([1, 2]);
		expect(v.artifacts.weightSpecs).toEqual(result.model.weightSpecs);
		expect((await getVariant(run.id, 'float16')).onnx).toBeUndefined();
		expect(await getTradeoff(run.id)).toEqual(table2);
		await clearVariants(run);
		expect(await getTradeoff(run.id)).toBeNull();
		await expect(getVariant(run.id, 'int8')).rejects.toThrow(/no longer stored/);
		await saveVariant(run, { id: 'int8', label: 'int8', artifacts: result.model }, row('int8'));
		await deleteRun(run);
		expect(await (await openKilnDb()).count('artifacts')).toBe(0);
		await expect(saveVariant(run, { id: 'int8', label: 'int8', artifacts: result.model }, row('int8'))).rejects.toThrow(/deleted meanwhile/);
	});
});
