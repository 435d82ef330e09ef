import type { Column, Table } from '$workers/protocol';
import type { ChunkRecord, StoredColumn } from './schema';
import { packChunk, readColumnInto } from './column-packing';

/** 64k rows per chunk keeps one chunk of a wide table to a few MB, so big sets can stream. */
export const CHUNK_ROWS = 65_536;

export function describeColumns(table: Table): StoredColumn[] {
	return table.columns.map((c) => (c.kind === 'numeric' ? { name: c.name, kind: c.kind } : { name: c.name, kind: c.kind, categories: c.categories }));
}

export function tableToChunks(datasetId: string, table: Table, chunkRows = CHUNK_ROWS): ChunkRecord[] {
	const chunks: ChunkRecord[] = [];
	for (let start = 0, index = 0; start < table.rowCount || index === 0; start += chunkRows, index++) {
		const end = Math.min(start + chunkRows, table.rowCount);
		const rowCount = end - start;
		const wide = table.columns.map((c) => (c.kind === 'numeric' ? c.values.slice(start, end).buffer : c.codes.slice(start, end).buffer) as ArrayBuffer);
		chunks.push({ datasetId, index, rowCount, ...packChunk(wide, table.columns.map((c) => c.kind), rowCount) });
		if (end >= table.rowCount) break;
	}
	return chunks;
}

export function chunksToTable(columns: StoredColumn[], chunks: ChunkRecord[]): Table {
	const ordered = [...chunks].sort((a, b) => a.index - b.index);
	const rowCount = ordered.reduce((n, c) => n + c.rowCount, 0);
	const result: Column[] = columns.map((meta, col) => {
		const Kind = meta.kind === 'numeric' ? Float64Array : Int32Array;
		const data = new Kind(rowCount);
		let offset = 0;
		for (const chunk of ordered) {
			readColumnInto(chunk, col, data, offset);
			offset += chunk.rowCount;
		}
		return meta.kind === 'numeric'
			? { name: meta.name, kind: 'numeric', values: data as Float64Array }
			: { name: meta.name, kind: 'categorical', categories: meta.categories ?? [], codes: data as Int32Array };
	});
	return { rowCount, columns: result };
}

/** What the chunks take in storage (packed columns at their packed size). */
export function chunkBytes(chunks: readonly ChunkRecord[]): number {
	return chunks.reduce((n, chunk) => n + chunk.columns.reduce((m, b) => m + b.byteLength, 0), 0);
}
