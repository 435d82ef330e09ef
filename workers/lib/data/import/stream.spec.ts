import { describe, expect, it } from 'vitest';
import { importTable } from './import';
import { fromBytes } from './source';
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
