import { describe, expect, it } from 'vitest';
import { gzipSync, zipSync, strToU8 } from 'fflate';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { failure, load, rowsOf, utf8 } from './import.spec-support';

const csv = 'name,age,member\nAnn,31,true\nBob,,false\nCléa,40,true\n';
const expected = [
	['Ann', '31', '1'],
	['Bob', null, '0'],
	['Cléa', '40', '1']
];

describe('formats', () => {
	it('reads a JSON array of objects, with missing keys and nulls as missing', async () => {
		const json = JSON.stringify([{ name: 'Ann', age: 31, member: true }, { name: 'Bob', member: false }, { name: 'Cléa', age: 40, member: true, extra: null }]);
		const { table, end } = await load(json, 'people.json');
		expect(end.format.format).toBe('json');
		expect(end.columns.map((c) => [c.name, c.semantic])).toEqual([
			['name', 'categorical'],
			['age', 'integer'],
			['member', 'boolean'],
			['extra', 'categorical']
		]);
		expect(rowsOf(table).map((r) => r.slice(0, 3))).toEqual(expected);
	});

	it('reads JSON Lines split at any byte, nested values as JSON text', async () => {
		const text = '{"a": 1, "b": {"x": [1, 2]}}\n{"a": 2.5, "b": "he said \\"}{\\""}\n\n{"a": null, "b": "z"}\n';
		const bytes = utf8(text);
		const { table, end } = await load(bytes, 'rows.jsonl', {}, Array.from({ length: bytes.length }, (_, i) => i));
		expect(end.format.format).toBe('jsonl');
		expect(rowsOf(table)).toEqual([
			['1', '{"x":[1,2]}'],
			['2.5', 'he said "}{"'],
			[null, 'z']
		]);
	});

	it('names the record of a JSON error and refuses a top-level non-array', async () => {
		const bad = await failure('[{"a": 1}, {"a": }]', 'x.json');
		expect(bad.name).toBe('ImportError');
		expect(bad.message).toMatch(/record 2 \(line 1\) is not valid JSON/);
		expect((await failure('[1, 2]', 'x.json')).message).toMatch(/element 1 of the array \(line 1\) is not an object/);
		expect((await failure('{"a": 1}\n{"a": 2', 'x.jsonl')).message).toMatch(/ends inside a record that started on line 2/);
	});

	it('reads Parquet written by hyparquet-writer, row group by row group', async () => {
		const n = 2500;
		const buffer = parquetWriteBuffer({
			columnData: [
				{ name: 'id', data: Int32Array.from({ length: n }, (_, i) => i), type: 'INT32' },
				{ name: 'x', data: Float64Array.from({ length: n }, (_, i) => i / 4), type: 'DOUBLE' },
				{ name: 'label', data: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : ['a', 'b', 'c'][i % 3])), type: 'STRING' },
				{ name: 'flag', data: Array.from({ length: n }, (_, i) => i % 2 === 0), type: 'BOOLEAN' },
				{ name: 'when', data: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 3_600_000)), type: 'TIMESTAMP' }
			],
			rowGroupSize: 1000
		});
		const { table, end } = await load(new Uint8Array(buffer), 'data.parquet');
		expect(end.format.format).toBe('parquet');
		expect(end.rowCount).toBe(n);
		expect(end.columns.map((c) => c.semantic)).toEqual(['integer', 'numeric', 'categorical', 'boolean', 'datetime']);
		const rows = rowsOf(table);
		expect(rows[7]).toEqual(['7', '1.75', null, '0', String(Date.UTC(2024, 0, 1) + 7 * 3_600_000)]);
		expect(rows[2499][0]).toBe('2499');
	});

	it('reads .gz and a .zip holding one CSV (plus ignored extras)', async () => {
		const gz = await load(gzipSync(utf8(csv)), 'people.csv.gz');
		expect(gz.end.format).toMatchObject({ compression: 'gzip', innerName: 'people.csv', format: 'csv' });
		expect(rowsOf(gz.table)).toEqual(expected);
		const zip = zipSync({ 'data/people.csv': utf8(csv), 'README.md': strToU8('about'), '__MACOSX/._people.csv': strToU8('x') });
		const z = await load(zip, 'people.zip');
		expect(z.end.format).toMatchObject({ compression: 'zip', innerName: 'data/people.csv' });
		expect(rowsOf(z.table)).toEqual(expected);
		expect(z.end.warnings.some((w) => w.kind === 'ignored-entry' && w.message.includes('README.md'))).toBe(true);
	});

	it('reads Parquet inside a zip (held in memory up to a cap)', async () => {
		const parquet = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'v', data: Float64Array.of(1.5, 2.5), type: 'DOUBLE' }] }));
		const { table } = await load(zipSync({ 'v.parquet': parquet }), 'v.zip');
		expect(rowsOf(table)).toEqual([['1.5'], ['2.5']]);
	});

	it('refuses a zip with two data files, with none, or an Excel workbook', async () => {
		expect((await failure(zipSync({ 'a.csv': utf8(csv), 'b.csv': utf8(csv) }), 'two.zip')).message).toMatch(/more than one data file \(a\.csv, b\.csv\)/);
		expect((await failure(zipSync({ 'a.png': new Uint8Array([1, 2]) }), 'none.zip')).message).toMatch(/holds no CSV, TSV, JSON or Parquet file \(it holds a\.png\)/);
		expect((await failure(zipSync({ '[Content_Types].xml': strToU8('<x/>'), 'xl/workbook.xml': strToU8('<w/>') }), 'book.xlsx')).message).toMatch(/Excel workbook/);
	});

	it('reads TSV, pipe and semicolon files and takes a forced delimiter', async () => {
		for (const d of ['\t', '|', ';']) {
			const { table, end } = await load(csv.replace(/,/g, d), 'people.txt');
			expect(end.format.delimiter).toBe(d);
			expect(rowsOf(table)).toEqual(expected);
		}
		const { end } = await load('a;b\n1;2\n', 'x.csv', { delimiter: ',' });
		expect(end.columns.map((c) => c.name)).toEqual(['a;b']);
	});
});
