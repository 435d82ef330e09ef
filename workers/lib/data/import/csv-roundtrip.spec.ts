import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { load, rowsOf } from './import.spec-support';

/** Text with everything a CSV writer must quote, plus multi-byte characters to split. */
const cell = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '1', ' ', ',', ';', '"', '\n', '\r\n', 'é', '日本', '😀', '\t', '-'), maxLength: 8 });

function quote(value: string, delimiter: string): string {
	const needs = value === '' || value.includes(delimiter) || /["\r\n]/.test(value) || /^\s|\s$/.test(value);
	return needs ? `"${value.replace(/"/g, '""')}"` : value;
}

function write(header: string[], rows: string[][], delimiter: string, eol: string, bom: boolean, trailing: boolean): Uint8Array {
	const lines = [header, ...rows].map((r) => r.map((v) => quote(v, delimiter)).join(delimiter));
	const text = (bom ? '\uFEFF' : '') + lines.join(eol) + (trailing ? eol : '');
	return new TextEncoder().encode(text);
}

const table = fc.integer({ min: 1, max: 5 }).chain((columns) =>
	fc.record({
		header: fc.constant(Array.from({ length: columns }, (_, i) => `c${i}`)),
		rows: fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), { minLength: 1, maxLength: 12 }),
		delimiter: fc.constantFrom(',', ';', '\t', '|'),
		eol: fc.constantFrom('\n', '\r\n'),
		bom: fc.boolean(),
		trailing: fc.boolean()
	})
);

describe('CSV write → import round trip', () => {
	it('gives back every cell exactly, whatever the slice boundaries', async () => {
		await fc.assert(
			fc.asyncProperty(table, fc.array(fc.nat(), { maxLength: 6 }), async (t, rawCuts) => {
				const bytes = write(t.header, t.rows, t.delimiter, t.eol, t.bom, t.trailing);
				// Cut anywhere: inside multi-byte characters, inside quotes, between \r and \n.
				const cuts = rawCuts.map((c) => c % Math.max(1, bytes.length));
				const { table: got } = await load(bytes, 'round.csv', { inferTypes: false, missing: [], header: true, delimiter: t.delimiter }, cuts);
				expect(got.columns.map((c) => c.name)).toEqual(t.header);
				expect(rowsOf(got)).toEqual(t.rows);
			}),
			{ numRuns: 300, seed: 11 }
		);
	});

	it('detects the delimiter of such files too', async () => {
		await fc.assert(
			fc.asyncProperty(table, async (t) => {
				fc.pre(t.header.length > 1 && t.rows.length > 2);
				const bytes = write(t.header, t.rows, t.delimiter, t.eol, t.bom, t.trailing);
				const { end } = await load(bytes, 'round.csv', { inferTypes: false, missing: [], header: true });
				expect(end.format.delimiter).toBe(t.delimiter);
			}),
			{ numRuns: 100, seed: 3 }
		);
	});

	it('reads one-byte slices of a file with quotes and CRLF', async () => {
		const text = 'a,b\r\n"x, ""y""",2\r\n"multi\r\nline",3\r\nplain,4\r\n';
		const bytes = new TextEncoder().encode(text);
		const cuts = Array.from({ length: bytes.length }, (_, i) => i);
		const { table: got } = await load(bytes, 'x.csv', { inferTypes: false, missing: [] }, cuts);
		expect(rowsOf(got)).toEqual([
			['x, "y"', '2'],
			['multi\r\nline', '3'],
			['plain', '4']
		]);
	});
});
