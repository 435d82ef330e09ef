import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Papa from 'papaparse';
import { parseCsv } from './csv';
import type { ExpectedColumn } from '../protocol';
import { bytes } from '../../tests/unit-support';
import { cellText } from '$shared/table';

const parse = (text: string, expected?: ExpectedColumn[]) => parseCsv(bytes(text), 'data.csv', { expected });
const failure = (text: string) => {
	try {
		parse(text);
	} catch (e) {
		return e as Error;
	}
	throw new Error('expected the parse to fail');
};

describe('parseCsv', () => {
	it('reads numbers, text and missing cells into typed columns', () => {
		const { table, profile } = parse('a,b,c\n1,x,\n2.5,y,NA\n-3e2,,?\n');
		expect(table.rowCount).toBe(3);
		const [a, b, c] = table.columns;
		expect(a.kind).toBe('numeric');
		expect(Array.from((a as { values: Float64Array }).values)).toEqual([1, 2.5, -300]);
		expect(b).toMatchObject({ kind: 'categorical', categories: ['x', 'y'] });
		expect(Array.from((b as { codes: Int32Array }).codes)).toEqual([0, 1, -1]);
		expect(profile[2].missing).toBe(3);
	});

	it('detects semicolons and handles quoted delimiters and newlines', () => {
		const { table, delimiter } = parse('name;note\n"a;b";"two\nlines"\nc;d\n');
		expect(delimiter).toBe(';');
		expect(cellText(table.columns[0], 0)).toBe('a;b');
		expect(cellText(table.columns[1], 0)).toBe('two\nlines');
	});

	it('strips a byte-order mark from the first header', () => {
		expect(parse('\uFEFFx,y\n1,2\n').table.columns[0].name).toBe('x');
	});

	it.each([
		['', /data.csv: the file is empty/],
		['a,b\n', /header row but no data rows/],
		['a,b\n1,2\n3\n', /row 3 has 1 field but the header has 2 columns/],
		['a,b\n1,2,3\n', /row 2 has 3 fields but the header has 2/],
		['a,b\n1,"open\n2,3\n', /quoted field is never closed/],
		['a,a\n1,2\n', /names column "a" twice/],
		['x,y\n1,a\n2,b\n3,c\n4,d\nfoo,e\n', /row 6, column "x": expected a number, found "foo"/],
		['x,y\n1,a\nInfinity,b\n3,c\n', /row 3, column "x": "Infinity" is not a finite number/]
	])('rejects %j with a message naming the place', (text, message) => {
		const error = failure(text);
		expect(error.name).toBe('CsvParseError');
		expect(error.message).toMatch(message);
	});

	it('names empty header cells column_N and reads NaN cells as missing', () => {
		const { table } = parse('a,,c\n1,NaN,3\n4,5,6\n');
		expect(table.columns.map((c) => c.name)).toEqual(['a', 'column_2', 'c']);
		const second = table.columns[1];
		expect(second.kind === 'numeric' && Array.from(second.values)).toEqual([NaN, 5]);
	});

	it('keeps "None" as a category: it is not a missing-value token', () => {
		const { table } = parse('x,c\n1,None\n2,some\n');
		const c = table.columns[1];
		expect(c.kind === 'categorical' && c.categories).toEqual(['None', 'some']);
	});

	it('reports progress up to 1 and the right row for an error deep in a long file', () => {
		const lines = ['x,y'];
		for (let i = 0; i < 100_000; i++) lines.push(`${i},"a, ${i % 10}"`);
		const seen: number[] = [];
		const { table } = parseCsv(bytes(lines.join('\n')), 'long.csv', { onProgress: (f) => seen.push(f) });
		expect(table.rowCount).toBe(100_000);
		expect(seen.length).toBeGreaterThan(5);
		expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true);
		expect(seen.at(-1)).toBe(1);
		lines[90_000] = '89999,"never closed';
		expect(() => parseCsv(bytes(lines.join('\n')), 'long.csv')).toThrow(/long\.csv: row 90001: a quoted field is never closed/);
	});

	it('rejects binary files', () => {
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).buffer;
		expect(() => parseCsv(png, 'photo.png')).toThrow(/photo.png: this is not a text CSV file/);
	});

	it('parses prediction files against the expected columns', () => {
		const { table } = parse('b,a,extra\nx,1,z\n', [
			{ name: 'a', kind: 'numeric' },
			{ name: 'b', kind: 'categorical' }
		]);
		expect(table.columns.map((c) => c.name)).toEqual(['a', 'b']);
		expect(() => parse('a\n1\n', [{ name: 'b', kind: 'numeric' }])).toThrow(/no column "b", which the model was trained on/);
		expect(() => parse('a\nhello\n', [{ name: 'a', kind: 'numeric' }])).toThrow(/row 2, column "a": expected a number, found "hello"/);
	});

	it('round-trips any table of finite numbers and text written by papaparse', () => {
		const cell = fc.oneof(
			fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => ({ kind: 'n' as const, v: Object.is(v, -0) ? 0 : v })),
			fc.string({ minLength: 1, maxLength: 8 })
				.filter((s) => s.trim() === s && !/^[+-]?(\d|\.\d|nan|inf|na$|n\/a$|null$|none$|\?$)/i.test(s) && !s.includes('\uFEFF'))
				.map((v) => ({ kind: 's' as const, v }))
		);
		const tableArb = fc.integer({ min: 1, max: 4 }).chain((cols) =>
			fc.tuple(
				fc.array(fc.boolean(), { minLength: cols, maxLength: cols }),
				fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 12 })
			)
		);
		fc.assert(
			fc.property(tableArb, ([numericCols, rows]) => {
				const data = rows.map((row) =>
					row.map((c, j) => (numericCols[j] ? (c.kind === 'n' ? c.v : 1.5) : c.kind === 's' ? c.v : `t${String(c.v).replace(/[^0-9a-z]/gi, '')}`))
				);
				const header = numericCols.map((_, j) => `c${j}`);
				const text = Papa.unparse([header, ...data.map((r) => r.map(String))], { delimiter: ',' });
				const { table } = parseCsv(bytes(text), 'prop.csv');
				data.forEach((row, i) =>
					row.forEach((value, j) => {
						const column = table.columns[j];
						if (column.kind === 'numeric') expect(column.values[i]).toBe(Number(value));
						else expect(cellText(column, i)).toBe(String(value));
					})
				);
			}),
			{ numRuns: 200, seed: 7 }
		);
	});
});
