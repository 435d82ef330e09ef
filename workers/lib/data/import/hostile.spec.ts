import { describe, expect, it } from 'vitest';
import { Gzip } from 'fflate';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { importTable } from './import';
import { failure, load, rowsOf, utf8 } from './import.spec-support';
import type { ImportSource } from './types';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1]);

describe('bad input becomes a clear error, never a crash or a hang', () => {
	it.each([
		['', 'empty.csv', 'ImportError', /empty\.csv is empty/],
		['  \n\t\n  \r\n', 'blank.csv', 'ImportError', /blank\.csv holds only blank space/],
		['a,b,c\n', 'header.csv', 'ImportError', /header\.csv has a header row but no data rows/],
		['a,b\n1,"open\n2,3\n', 'quote.csv', 'CsvParseError', /quoted field opened on line 2 is never closed/],
		['a,b\n1,2\n3\n4,5\n', 'ragged.csv', 'CsvParseError', /ragged\.csv: line 3 has 1 field, but the header \(line 1\) has 2 columns/],
		['a,b\n1,2\n3,4,5\n', 'ragged.csv', 'CsvParseError', /line 3 has 3 fields, but the header \(line 1\) has 2 columns/]
	])('%j', async (text, name, kind, message) => {
		const error = await failure(text, name);
		expect(error.name).toBe(kind);
		expect(error.message).toMatch(message);
	});

	it('names the line of a ragged row after quoted newlines', async () => {
		const error = await failure('a,b\n"x\ny",1\n2,3\n4\n', 'q.csv');
		expect(error.message).toMatch(/line 5 has 1 field/);
	});

	it('says a PNG renamed .csv is an image, and refuses other binary bytes', async () => {
		expect((await failure(PNG, 'photo.csv')).message).toMatch(/photo\.csv is a PNG image, not a data table/);
		const binary = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256);
		const error = await failure(binary, 'blob.csv');
		expect(error.name).toBe('ImportError');
		expect(error.message).toMatch(/not a text file|binary/);
	});

	it('names empty header cells by position and suffixes duplicates, with warnings', async () => {
		const { table, end } = await load('a,,a,b,,a\n1,2,3,4,5,6\n7,8,9,10,11,12\n');
		expect(table.columns.map((c) => c.name)).toEqual(['a', 'column_2', 'a_2', 'b', 'column_5', 'a_3']);
		expect(end.warnings.filter((w) => w.kind === 'duplicate-header').map((w) => w.message)).toEqual([
			'The header names "a" more than once; column 3 was renamed "a_2".',
			'The header names "a" more than once; column 6 was renamed "a_3".'
		]);
		expect(end.warnings.find((w) => w.kind === 'empty-header')?.message).toMatch(/Columns 2, 5 had no name/);
	});

	it('reads a one-column file, blank lines inside it as missing, trailing ones dropped', async () => {
		const { table } = await load('value\n1\n\n3\n\n\n');
		expect(table.columns.map((c) => c.name)).toEqual(['value']);
		expect(rowsOf(table)).toEqual([['1'], [null], ['3']]);
	});

	it('reads 10,000 columns quickly (chunks shrink to keep memory bounded)', async () => {
		const n = 10_000;
		const header = Array.from({ length: n }, (_, i) => `f${i}`).join(',');
		const rows = Array.from({ length: 50 }, (_, r) => Array.from({ length: n }, (_, i) => (r * n + i) % 97).join(','));
		const { table, end } = await load([header, ...rows].join('\n'), 'wide.csv', { profile: false });
		expect(table.columns.length).toBe(n);
		expect(table.rowCount).toBe(50);
		expect(end.columns.every((c) => c.semantic === 'integer')).toBe(true);
		expect(rowsOf(table)[49][9999]).toBe(String((49 * n + 9999) % 97));
	});

	it('refuses a 50 MB single line after reading at most the 16 MB row cap', async () => {
		let read = 0;
		const slice = new Uint8Array(1 << 20).fill(0x61);
		const source: ImportSource = {
			name: 'line.csv',
			size: 50 << 20,
			async *read() {
				for (let i = 0; i < 50; i++) {
					read += slice.length;
					yield slice;
				}
			}
		};
		const sink = { onSchema: () => {}, onChunk: () => {}, onEnd: () => {} };
		await expect(importTable(source, sink)).rejects.toThrow(/the row starting on line 1 is longer than 16 MB/);
		expect(read).toBeLessThanOrEqual(18 << 20);
	});

	it('keeps NaN/Infinity/odd cells of a numeric column as missing and says how many', async () => {
		const lines = ['x,y', ...Array.from({ length: 300 }, (_, i) => `${i},${i % 2}`), 'NaN,1', 'Infinity,0', '-inf,1', 'oops,0'];
		const { table, end } = await load(lines.join('\n'), 'n.csv', { sampleRows: 100 });
		expect(end.columns[0].semantic).toBe('integer');
		expect(rowsOf(table).slice(300).map((r) => r[0])).toEqual([null, null, null, null]);
		const infinite = end.warnings.find((w) => w.kind === 'non-finite');
		expect(infinite).toMatchObject({ column: 'x', count: 2, line: 303 });
		const mismatch = end.warnings.find((w) => w.kind === 'type-mismatch');
		expect(mismatch).toMatchObject({ column: 'x', count: 1, line: 305 });
		expect(mismatch?.message).toMatch(/Column "x": 1 value did not fit its type \(integer\) and was stored as missing \(first on line 305: "oops"\)/);
	});

	it('reads a column mixing numbers and words as text', async () => {
		const { end } = await load('v\n1\ntwo\n3\nfour\n5\n');
		expect(end.columns[0].semantic).toBe('categorical');
	});

	it('stops a zip bomb at the cap: the ratio guard, and the size guard', async () => {
		// 16 MB of "0\n" (a valid one-column CSV, so only the guard can stop it) packs ~1000:1.
		const gzip = new Gzip({ level: 1 });
		const parts: Uint8Array[] = [];
		gzip.ondata = (d) => void parts.push(d);
		const block = utf8('0\n'.repeat(1 << 19));
		for (let i = 0; i < 16; i++) gzip.push(block);
		gzip.push(new Uint8Array(0), true);
		const bomb = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
		parts.reduce((at, p) => (bomb.set(p, at), at + p.length), 0);
		expect(bomb.length).toBeLessThan(1 << 20);
		let rows = 0;
		const sink = { onSchema: () => {}, onChunk: (c: { rowCount: number }) => void (rows += c.rowCount), onEnd: () => {} };
		const source = { name: 'bomb.csv.gz', size: bomb.length, read: async function* () { yield bomb; } };
		// The default judges the ratio after 64 MB; a lower threshold keeps the test quick.
		const ratio = { profile: false, limits: { ratioCheckAfter: 1 << 20 } };
		await expect(importTable(source, sink, ratio)).rejects.toThrow(/bomb\.csv\.gz unpacks more than 200 times its packed size/);
		// Each row is 2 bytes: nothing past the threshold plus one 16 KB push (≤ 16.5 MB) got through.
		expect(rows * 2).toBeLessThan((1 << 20) + (17 << 20));
		rows = 0;
		await expect(importTable(source, sink, { profile: false, limits: { maxInflatedBytes: 2 << 20 } })).rejects.toThrow(/unpacks to more than 2 MB; the import stopped/);
		expect(rows * 2).toBeLessThan((2 << 20) + (17 << 20));
	});

	it('refuses corrupt gzip and Parquet files with a message', async () => {
		expect((await failure(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]), 'x.csv.gz')).message).toMatch(/x\.csv\.gz is not a valid gzip file/);
		const good = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'v', data: Float64Array.of(1, 2, 3), type: 'DOUBLE' }] }));
		const cut = good.slice(0, good.length - 20);
		cut.set(utf8('PAR1'), cut.length - 4);
		const error = await failure(cut, 'v.parquet');
		expect(error.name).toBe('ImportError');
		expect(error.message).toMatch(/v\.parquet is not a readable Parquet file/);
		const scrambled = good.slice();
		for (let i = 8; i < scrambled.length - 12; i++) scrambled[i] ^= 0x5a;
		expect((await failure(scrambled, 'v.parquet')).message).toMatch(/v\.parquet is not a readable Parquet file/);
	});

	it('stops between slices when cancelled and keeps nothing going', async () => {
		const controller = new AbortController();
		let slices = 0;
		const line = utf8('1,2\n'.repeat(1 << 12));
		const source: ImportSource = {
			name: 'big.csv',
			async *read() {
				yield utf8('a,b\n');
				for (;;) {
					slices++;
					if (slices === 5) controller.abort();
					yield line;
				}
			}
		};
		const sink = { onSchema: () => {}, onChunk: () => {}, onEnd: () => {} };
		const error = await importTable(source, sink, { signal: controller.signal }).catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).name).toBe('AbortError');
		expect(slices).toBe(5);
	});
});
