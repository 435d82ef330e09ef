import type { Column, Table } from '$workers/protocol';
import type { ChunkRecord, StoredColumn } from './schema';

/** 64k rows per chunk keeps one chunk of a wide table to a few MB, so big sets can stream. */
export const CHUNK_ROWS = 65_536;

type Bytes = ArrayBuffer | ArrayBufferView;
const byteLength = (b: Bytes) => b.byteLength;
const bytesOf = (b: Bytes) => (b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
// Float64 columns must start on a multiple of 8 to be viewed in place.
const align8 = (n: number) => Math.ceil(n / 8) * 8;

/**
 * A chunk record from its columns' bytes, copied into one buffer. `into` is used when it has
 * exactly the size needed (the importer reuses one: IndexedDB's `put` copies it before it
 * returns), else a new buffer is made.
 */
export function packChunk(datasetId: string, index: number, rowCount: number, columns: readonly Bytes[], into?: ArrayBuffer): ChunkRecord {
	const starts: number[] = [];
	let size = 0;
	for (const c of columns) {
		size = align8(size);
		starts.push(size);
		size += c.byteLength;
	}
	const data = into && into.byteLength === size ? into : new ArrayBuffer(size);
	const out = new Uint8Array(data);
	columns.forEach((c, i) => {
		out.set(bytesOf(c), starts[i]);
		// Alignment padding stays zero in a reused buffer too.
		const end = starts[i] + c.byteLength;
		out.fill(0, end, i + 1 < starts.length ? starts[i + 1] : end);
	});
	return { datasetId, index, rowCount, data, starts, lengths: columns.map(byteLength) };
}

/** Column c of a chunk as bytes (a view, no copy). */
export function chunkColumn(chunk: ChunkRecord, c: number): Uint8Array {
	if (!(c >= 0 && c < chunk.starts.length)) throw new RangeError(`chunk ${chunk.index} has no column ${c}`);
	return new Uint8Array(chunk.data, chunk.starts[c], chunk.lengths[c]);
}

/** Column c of a chunk as a typed array viewing the chunk's buffer (no copy). */
export function chunkView<T extends Float64Array | Int32Array | Uint8Array>(chunk: ChunkRecord, c: number, Kind: { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number }): T {
	const bytes = chunkColumn(chunk, c);
	return new Kind(chunk.data, bytes.byteOffset, bytes.byteLength / Kind.BYTES_PER_ELEMENT);
}

/** Every column of a chunk as a buffer of its own (copies; for formats that keep a file per column). */
export function chunkColumnBuffers(chunk: ChunkRecord): ArrayBuffer[] {
	return chunk.starts.map((start, c) => chunk.data.slice(start, start + chunk.lengths[c]));
}

export function describeColumns(table: Table): StoredColumn[] {
	return table.columns.map((c) => (c.kind === 'numeric' ? { name: c.name, kind: c.kind } : { name: c.name, kind: c.kind, categories: c.categories }));
}

export function tableToChunks(datasetId: string, table: Table, chunkRows = CHUNK_ROWS): ChunkRecord[] {
	const chunks: ChunkRecord[] = [];
	for (let start = 0, index = 0; start < table.rowCount || index === 0; start += chunkRows, index++) {
		const end = Math.min(start + chunkRows, table.rowCount);
		chunks.push(packChunk(datasetId, index, end - start, table.columns.map((c) => (c.kind === 'numeric' ? c.values.subarray(start, end) : c.codes.subarray(start, end)))));
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
			data.set(meta.kind === 'numeric' ? chunkView(chunk, col, Float64Array) : chunkView(chunk, col, Int32Array), offset);
			offset += chunk.rowCount;
		}
		return meta.kind === 'numeric'
			? { name: meta.name, kind: 'numeric', values: data as Float64Array }
			: { name: meta.name, kind: 'categorical', categories: meta.categories ?? [], codes: data as Int32Array };
	});
	return { rowCount, columns: result };
}

export function tableBytes(table: Table): number {
	return table.columns.reduce((n, c) => n + (c.kind === 'numeric' ? c.values.byteLength : c.codes.byteLength), 0);
}
