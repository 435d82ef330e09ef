import { describe, expect, it } from 'vitest';
import { CsvScanner, type CsvRow } from './csv-scanner';
import { SampleRows } from './sample-rows';

const LIMITS = { maxRowBytes: 1 << 20, maxFields: 1000 };

/** Every row of `text` as its fields' bytes, flags and line, read while the scanner still owns the row. */
function scan(text: string, each: (row: CsvRow) => void): void {
	const scanner = new CsvScanner(44, each, 't.csv', LIMITS);
	const bytes = new TextEncoder().encode(text);
	// Small slices, so rows span slices and the scanner reuses and shifts its buffer.
	for (let i = 0; i < bytes.length; i += 7) scanner.push(bytes.subarray(i, i + 7));
	scanner.finish();
}

const fields = (row: CsvRow) => Array.from({ length: row.count }, (_, f) => [new TextDecoder().decode(row.buf.subarray(row.starts[f], row.ends[f])), row.flags[f]]);

describe('SampleRows', () => {
	const text = 'id,name,note\n1,"a ""b""",x\n\n22,,"multi\nline"\n333,plain,"q"\n' + 'x,'.repeat(90) + 'end\n';

	it('replays every row as the scanner handed it: bytes, quote flags, count and line', () => {
		const seen: { fields: (string | number)[][]; count: number; line: number }[] = [];
		const rows = new SampleRows();
		scan(text, (row) => {
			if (rows.length === 0) rows.reserve(3, row);
			seen.push({ fields: fields(row), count: row.count, line: row.line });
			rows.add(row);
		});
		expect(rows.length).toBe(seen.length);
		// Grew past the reserve (3 rows, 3 fields each) for the 91-field row.
		for (let i = 0; i < rows.length; i++) {
			const row = rows.row(i);
			expect({ fields: fields(row), count: row.count, line: row.line }).toEqual(seen[i]);
		}
	});

	it('starts empty again after clear', () => {
		const rows = new SampleRows();
		scan('a,b\n1,2\n', (row) => rows.add(row));
		rows.clear();
		expect(rows.length).toBe(0);
		scan('c\n', (row) => rows.add(row));
		expect(fields(rows.row(0))).toEqual([['c', 0]]);
	});
});
