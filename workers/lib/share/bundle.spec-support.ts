// Builds project bundles from real training runs, for the bundle specs and the fixture script.
import type { Column, Table } from '$workers/protocol';
import { profileTable } from '$shared/table';
import { modelCard } from './model-card';
import type { Trained } from './share.spec-support';
import type { BundleChunk, BundleData, BundleDataset } from './types';

export function tableChunks(table: Table, chunkRows: number): BundleChunk[] {
	const chunks: BundleChunk[] = [];
	for (let start = 0, index = 0; start < table.rowCount; start += chunkRows, index++) {
		const end = Math.min(start + chunkRows, table.rowCount);
		chunks.push({ index, rowCount: end - start, columns: table.columns.map((c) => (c.kind === 'numeric' ? c.values.slice(start, end).buffer : c.codes.slice(start, end).buffer) as ArrayBuffer) });
	}
	return chunks;
}

/** Chunks back to a table (as the app's chunksToTable does). */
export function chunksTable(dataset: BundleDataset): Table {
	const chunks = dataset.chunks ?? [];
	const columns: Column[] = dataset.columns.map((meta, c) => {
		const Kind = meta.kind === 'numeric' ? Float64Array : Int32Array;
		const data = new Kind(dataset.rowCount);
		let offset = 0;
		for (const chunk of chunks) {
			data.set(new Kind(chunk.columns[c]), offset);
			offset += chunk.rowCount;
		}
		return meta.kind === 'numeric' ? { name: meta.name, kind: 'numeric', values: data as Float64Array } : { name: meta.name, kind: 'categorical', categories: meta.categories ?? [], codes: data as Int32Array };
	});
	return { rowCount: dataset.rowCount, columns };
}

export function bundleOf(trained: Trained, options: { rows: boolean; chunkRows?: number; createdAt?: number } = { rows: true }): BundleData {
	const { table, result } = trained;
	const createdAt = options.createdAt ?? Date.UTC(2026, 10, 25, 12);
	const chunkRows = options.chunkRows ?? 64;
	const config = { ...trained.config };
	const dataset: BundleDataset = {
		id: 'ds-iris',
		projectId: 'p-1',
		name: 'Iris',
		fileName: 'iris.csv',
		source: 'demo',
		rowCount: table.rowCount,
		columns: table.columns.map((c) => (c.kind === 'numeric' ? { name: c.name, kind: c.kind } : { name: c.name, kind: c.kind, categories: c.categories })),
		profile: profileTable(table),
		chunkRows,
		chunkCount: Math.ceil(table.rowCount / chunkRows),
		bytes: table.columns.reduce((n, c) => n + (c.kind === 'numeric' ? c.values.byteLength : c.codes.byteLength), 0),
		createdAt,
		...(options.rows ? { chunks: tableChunks(table, chunkRows) } : {})
	};
	const card = modelCard({
		dataset: { name: 'Iris', fileName: 'iris.csv', rows: table.rowCount, columns: table.columns.length },
		run: { id: 'run-1', config, createdAt, backend: result.backend, history: result.history, metrics: result.metrics, trainRows: result.trainRows, holdoutRows: result.holdoutRows },
		preprocessing: result.preprocessing,
		date: '2026-11-25'
	});
	return {
		project: { id: 'p-1', name: 'Iris flowers', createdAt, updatedAt: createdAt, datasetId: 'ds-iris', target: config.target, task: config.task, lastConfig: config },
		datasets: [dataset],
		runs: [{ id: 'run-1', projectId: 'p-1', datasetId: 'ds-iris', config, status: 'done', createdAt, finishedAt: createdAt + 1000, history: result.history, metrics: result.metrics, backend: result.backend, durationMs: 1000, samplesPerSecond: 1000, modelId: 'model-1', modelCard: card.markdown }],
		models: [{ id: 'model-1', runId: 'run-1', projectId: 'p-1', createdAt, artifacts: result.model, preprocessing: result.preprocessing }]
	};
}
