import { describe, expect, it } from 'vitest';
import { importTable } from './import';
import { fromBytes, streamBlob } from './source';
import { importToTable } from './collect';
import { CHUNK_ROWS, chunkRowsFor, type ImportChunk, type ImportProgress, type SchemaColumn } from './types';
import { utf8 } from './import.spec-support';

describe('streaming to a sink', () => {
	it('calls schema, chunks of 65,536 rows with growing dictionaries, then end; reports progress', async () => {
		const rows = CHUNK_ROWS + 4_500;
		const lines = ['n,word'];
		for (let i = 0; i < rows; i++) lines.push(`${i},w${i < CHUNK_ROWS ? i % 10 : 10 + (i % 5)}`);
		const bytes = utf8(lines.join('\n'));
		const events: string[] = [];
		const chunks: ImportChunk[] = [];
		const progress: ImportProgress[] = [];
		let schema: SchemaColumn[] = [];
		const end = await importTable(
			fromBytes(bytes, 'big.csv', 64 * 1024),
			{
				onSchema: async (columns) => {
					await new Promise((resolve) => setTimeout(resolve, 1));
					schema = columns;
					events.push('schema');
				},
				onChunk: async (chunk) => {
					await new Promise((resolve) => setTimeout(resolve, 1));
					chunks.push(chunk);
					events.push(`chunk ${chunk.index}`);
				},
				onEnd: () => void events.push('end')
			},
			{ onProgress: (p) => progress.push(p) }
		);
		expect(events).toEqual(['schema', 'chunk 0', 'chunk 1', 'end']);
		expect(schema.map((c) => c.physical)).toEqual(['numeric', 'categorical']);
		expect(chunks.map((c) => c.rowCount)).toEqual([CHUNK_ROWS, 4_500]);
		expect(chunks[0].columns[0].byteLength).toBe(CHUNK_ROWS * 8);
		expect(chunks[0].columns[1].byteLength).toBe(CHUNK_ROWS * 4);
		expect(chunks.map((c) => c.dictionarySizes[1])).toEqual([10, 15]);
		expect(new Float64Array(chunks[1].columns[0])[4_499]).toBe(rows - 1);
		// The first word of the second chunk is new: it gets the next code, 10.
		expect(new Int32Array(chunks[1].columns[1])[0]).toBe(10);
		expect(end.dictionaries[1]?.slice(9, 12)).toEqual(['w9', `w${10 + (CHUNK_ROWS % 5)}`, `w${10 + ((CHUNK_ROWS + 1) % 5)}`]);
		expect(end.rowCount).toBe(rows);
		expect(progress.length).toBeGreaterThan(5);
		expect(progress.every((p, i) => i === 0 || p.bytesRead >= progress[i - 1].bytesRead)).toBe(true);
		expect(progress[progress.length - 1]).toMatchObject({ bytesRead: bytes.length, totalBytes: bytes.length });
	});

	it('sizes chunks down for wide tables', () => {
		expect(chunkRowsFor(20)).toBe(CHUNK_ROWS);
		expect(chunkRowsFor(64)).toBe(CHUNK_ROWS);
		expect(chunkRowsFor(10_000)).toBe(256);
		expect(chunkRowsFor(100_000)).toBe(64);
	});
});

describe('streamBlob: a Blob read into two buffers in turn', () => {
	const csvLines = ['id,x,word,"quoted, note"'];
	for (let i = 0; i < 30_000; i++) csvLines.push(`${i},${(i % 113) / 7},w${i % 37},"a ""q"" ${i % 5}"`);
	const csv = utf8(csvLines.join('\n'));
	const blobOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);

	it('yields the file’s bytes, each slice in one of two buffers', async () => {
		const seen: number[] = [];
		const buffers = new Set<ArrayBufferLike>();
		let total = 0;
		for await (const slice of streamBlob(blobOf(csv), 'a.csv', 10_000).read()) {
			expect(slice).toEqual(csv.subarray(total, total + slice.length));
			seen.push(slice.length);
			buffers.add(slice.buffer);
			total += slice.length;
		}
		expect(total).toBe(csv.length);
		expect(seen.slice(0, -1).every((n) => n === 10_000)).toBe(true);
		// Transferred by each read, so the objects differ; never more than two live at once is what the reads rely on.
		expect(buffers.size).toBeGreaterThan(1);
	});

	it('imports CSV, gzip, zip, JSON Lines and windows-1252 exactly as from bytes, with a preview plan too', async () => {
		const { gzipSync, zipSync } = await import('fflate');
		const latin = new Uint8Array([...utf8('name,v\n'), ...Array.from({ length: 5000 }, (_, i) => [0x43, 0x61, 0x66, 0xe9, 0x30 + (i % 10), 0x2c, 0x31, 0x0a]).flat()]);
		const jsonl = utf8(Array.from({ length: 4000 }, (_, i) => JSON.stringify({ a: i, b: `v${i % 9}` })).join('\n'));
		const files: [Uint8Array, string][] = [[csv, 'a.csv'], [gzipSync(csv), 'a.csv.gz'], [zipSync({ 'a.csv': csv }), 'a.zip'], [jsonl, 'a.jsonl'], [latin, 'latin.csv'], [new Uint8Array([0xef, 0xbb, 0xbf, ...csv]), 'bom.csv']];
		for (const [bytes, name] of files) {
			const expected = await importToTable(fromBytes(bytes, name), { target: 'x' });
			const streamed = await importToTable(streamBlob(blobOf(bytes), name, 4096), { target: 'x' });
			expect(streamed.table, name).toEqual(expected.table);
			expect(streamed.end.profile, name).toEqual(expected.end.profile);
			expect(streamed.end.warnings, name).toEqual(expected.end.warnings);
		}
		// A preview's plan: the import peeks its text (many slices) before parsing from the start.
		const head = csv.subarray(0, csv.indexOf(10, 300_000) + 1);
		const { end: preview } = await importToTable(fromBytes(head, 'a.csv'), { makePlan: true });
		const planned = await importToTable(streamBlob(blobOf(csv), 'a.csv', 4096), { plan: preview.plan });
		expect(planned.table).toEqual((await importToTable(fromBytes(csv, 'a.csv'))).table);
	});
});
