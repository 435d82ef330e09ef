import { describe, expect, it } from 'vitest';
import type { ProjectRecords, RunRecord } from '$lib/db';
import { chunkBytes, chunksToTable, describeColumns, tableToChunks } from '$lib/db/columnar';
import { parseCsv } from '$workers/lib/csv';
import { readBundle, writeBundle } from '$workers/lib/share';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { Preprocessing, TrainConfig } from '$workers/protocol';
import { bytes } from '../../tests/unit-support';
import { fromBundle, toBundleData } from './bundle-records';

const { table, profile } = parseCsv(bytes('x,colour,y\n1,red,a\n2,blue,b\n,red,a\n4,,b\n5,blue,a\n'), 'small.csv');
const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'y', task: 'classification', features: ['x', 'colour'], epochs: 3 };
const preprocessing: Preprocessing = {
	features: [
		{ name: 'x', kind: 'numeric', mean: 3, std: 1.5 },
		{ name: 'colour', kind: 'categorical', categories: ['red', 'blue'], fill: 0 }
	],
	target: { name: 'y', task: 'classification', classes: ['a', 'b'] },
	inputSize: 3
};
const artifacts = () => ({ modelTopology: { class_name: 'Sequential' }, weightSpecs: [{ name: 'w', shape: [3, 2], dtype: 'float32' }], weightData: new Float32Array([1, 2, 3, 4, 5, 6]).buffer });
const metrics = { task: 'classification' as const, accuracy: 1, macroF1: 1, classes: ['a', 'b'], confusion: [[1, 0], [0, 1]], support: 2 };

function records(): ProjectRecords {
	const run = (id: string, status: RunRecord['status'], extra: Partial<RunRecord> = {}): RunRecord => ({ id, projectId: 'p', datasetId: 'd', config, status, createdAt: 1, history: [{ epoch: 1, trainLoss: 0.5, valLoss: 0.6, valMetric: 0.9 }], ...extra });
	return {
		project: { id: 'p', name: 'Small', createdAt: 1, updatedAt: 2, datasetId: 'd', target: 'y', task: 'classification', lastConfig: config, modelRunId: 'r-done' },
		datasets: [{ id: 'd', projectId: 'p', name: 'small', fileName: 'small.csv', source: 'upload', rowCount: 5, columns: describeColumns(table), profile, chunkRows: 2, chunkCount: 3, bytes: chunkBytes(tableToChunks('d', table, 2)), createdAt: 1 }],
		chunks: tableToChunks('d', table, 2),
		runs: [
			run('r-done', 'done', { modelId: 'm', metrics, split: { train: 3, validation: 1, holdout: 1 }, bestEpoch: 1, stoppedEarly: false, intendedUse: { primaryUses: 'Teaching' }, limitations: 'Tiny.', finishedAt: 5 }),
			run('r-running', 'running'),
			run('r-diverged', 'diverged', { error: 'The loss exploded.' }),
			run('r-orphan', 'done', { datasetId: 'gone', modelId: 'm2', metrics })
		],
		models: [
			{ id: 'm', runId: 'r-done', projectId: 'p', createdAt: 3, artifacts: artifacts(), preprocessing },
			{ id: 'm2', runId: 'r-orphan', projectId: 'p', createdAt: 3, artifacts: artifacts(), preprocessing }
		]
	};
}

let n = 0;
const newId = (prefix: string) => `${prefix}-new-${++n}`;

describe('project records ↔ bundles', () => {
	it('round-trip through a real bundle with fresh ids and every reference rewired', () => {
		const plan = toBundleData(records(), { 'r-done': '# Card' });
		expect(plan.leftOut).toBe(1);
		expect(plan.rows).toBe(5);
		const read = readBundle(writeBundle(plan.data, { kilnVersion: 'test' }));
		expect(read.runs.find((r) => r.id === 'r-done')?.modelCard).toBe('# Card');
		const { records: got, rows, cancelled } = fromBundle(read, newId, 99);
		expect(rows).toBe(5);
		expect(cancelled).toBe(1);

		const ids = [got.project.id, ...got.datasets.map((d) => d.id), ...got.runs.map((r) => r.id), ...got.models.map((m) => m.id)];
		expect(ids.every((id) => id.includes('-new-'))).toBe(true);
		const [dataset] = got.datasets;
		expect(got.project).toMatchObject({ name: 'Small', updatedAt: 99, datasetId: dataset.id, target: 'y' });
		const done = got.runs.find((r) => r.status === 'done')!;
		expect(got.project.modelRunId).toBe(done.id);
		expect(done).toMatchObject({ projectId: got.project.id, datasetId: dataset.id, modelId: got.models[0].id, split: { train: 3, validation: 1, holdout: 1 }, bestEpoch: 1, stoppedEarly: false, intendedUse: { primaryUses: 'Teaching' }, limitations: 'Tiny.' });
		expect(got.models[0]).toMatchObject({ runId: done.id, projectId: got.project.id, preprocessing });
		expect(new Float32Array(got.models[0].artifacts.weightData)).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
		expect(got.runs.map((r) => r.status).sort()).toEqual(['cancelled', 'done', 'failed']);
		expect(got.runs.find((r) => r.status === 'cancelled')?.error).toMatch(/still training/);
		expect(got.runs.find((r) => r.status === 'failed')?.error).toBe('The loss exploded.');
		expect(got.chunks.every((c) => c.datasetId === dataset.id)).toBe(true);
		expect(chunksToTable(dataset.columns, got.chunks)).toEqual(table);
	});

	it('import the same bundle twice as two projects', () => {
		const read = readBundle(writeBundle(toBundleData(records()).data, { kilnVersion: 'test' }));
		const a = fromBundle(read, newId, 1).records;
		const b = fromBundle(read, newId, 1).records;
		expect(a.project.id).not.toBe(b.project.id);
		expect(new Set([...a.runs, ...b.runs].map((r) => r.id)).size).toBe(6);
	});

	it('leave the rows out when asked, and say so in the manifest', () => {
		const plan = toBundleData({ ...records(), chunks: [] });
		expect(plan.rows).toBe(0);
		const read = readBundle(writeBundle(plan.data, { kilnVersion: 'test' }));
		expect(read.manifest.includesRows).toBe(false);
		const { records: got } = fromBundle(read, newId, 1);
		expect(got.chunks).toEqual([]);
		expect(got.datasets[0].rowCount).toBe(5);
	});

	it('keep only known, well-formed extra fields from a bundle', () => {
		const data = toBundleData(records()).data;
		const hostile = data.runs[0] as unknown as Record<string, unknown>;
		Object.assign(hostile, { split: 'everything', bestEpoch: -3, intendedUse: { primaryUses: 42, users: 'Students' }, source: { kind: 'evil' }, pipelineId: 'pl-1', backend: 'quantum', surprise: { deep: true } });
		(data.project as unknown as Record<string, unknown>).modelRunId = 'no-such-run';
		const { records: got } = fromBundle(readBundle(writeBundle(data, { kilnVersion: 'test' })), newId, 1);
		const run = got.runs.find((r) => r.status === 'done')! as RunRecord & Record<string, unknown>;
		expect(run.split).toBeUndefined();
		expect(run.bestEpoch).toBeUndefined();
		expect(run.intendedUse).toEqual({ users: 'Students' });
		expect(run.source).toBeUndefined();
		expect(run.backend).toBeUndefined();
		expect(run.pipelineId).toBeUndefined();
		expect(run.surprise).toBeUndefined();
		expect(got.project.modelRunId).toBeUndefined();
	});
});
