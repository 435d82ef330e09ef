import { describe, expect, it } from 'vitest';
import { PREVIEW_BYTES, PREVIEW_LINES, previewFile, textCut, textLines } from './preview';

const encode = (text: string) => new TextEncoder().encode(text);

describe('textCut', () => {
	it('cuts after the last line break outside quotes', () => {
		expect(textCut(encode('a,b\n1,2\n3,4'))).toBe(8);
		expect(textCut(encode('a,b\n1,"x\ny"\n3,"open\n'))).toBe(12);
	});

	it('counts lines outside quotes and stops the cut after the n-th', () => {
		const head = encode('a,b\n1,"x\ny"\n3,4\n5,');
		expect(textLines(head)).toEqual({ cut: 16, last: 16, lines: 3, linesToCut: 3 });
		expect(textLines(head, 2)).toEqual({ cut: 12, last: 16, lines: 3, linesToCut: 2 });
	});

	it('does not cut what cannot be cut by lines', () => {
		expect(textCut(new Uint8Array([0x1f, 0x8b, 8, 0]))).toBe(-1);
		expect(textCut(encode('PAR1....'))).toBe(-1);
		expect(textCut(encode(' [{"a":1},\n{"a":2}]'))).toBe(-1);
		expect(textCut(new Uint8Array([0xff, 0xfe, 0x61, 0, 0x0a, 0]))).toBe(-1);
		// A header that merely starts with PA is text.
		expect(textCut(encode('PASSENGER,AGE\n1,2\n'))).toBe(18);
	});
});

describe('previewFile', () => {
	it('shows what the importer detects: Latin-1 text, semicolons, types, missing tokens', async () => {
		const latin1 = new Uint8Array([...encode('name;city;age;note\nJos'), 0xe9, ...encode(';Z'), 0xfc, ...encode('rich;41;None\nAnna;Gen'), 0xe8, ...encode('ve;;NA\n')]);
		const preview = await previewFile(new Blob([latin1]), 'people.csv');
		expect(preview.format).toMatchObject({ format: 'csv', encoding: 'windows-1252', delimiter: ';', header: true });
		expect(preview.columns.map((c) => [c.name, c.semantic])).toEqual([['name', 'categorical'], ['city', 'categorical'], ['age', 'integer'], ['note', 'categorical']]);
		expect(preview.rows).toEqual([['José', 'Zürich', '41', 'None'], ['Anna', 'Genève', '', '']]);
		expect(preview).toMatchObject({ complete: true, rowsRead: 2, estimatedRows: 2, estimatedBytes: 2 * (4 + 4 + 8 + 4) });
		// "None" becomes missing only when the person lists it; a type can be overridden.
		const again = await previewFile(new Blob([latin1]), 'people.csv', { missing: ['', 'NA', 'None'], types: { age: 'text' } });
		expect(again.rows[0]).toEqual(['José', 'Zürich', '41', '']);
		expect(again.columns[2]).toMatchObject({ semantic: 'text', physical: 'categorical' });
	});

	it('reads only the start of a large file and estimates the rest', async () => {
		const lines = ['when,x'];
		for (let i = 0, size = 0; size < PREVIEW_BYTES * 1.5; i++) {
			const line = `2024-01-${String((i % 28) + 1).padStart(2, '0')},${i}`;
			lines.push(line);
			size += line.length + 1;
		}
		const text = lines.join('\n');
		const preview = await previewFile(new Blob([text]), 'big.csv');
		expect(preview.complete).toBe(false);
		expect(preview.columns.map((c) => c.semantic)).toEqual(['datetime', 'integer']);
		expect(preview.rows[0]).toEqual(['2024-01-01', '0']);
		expect(preview.rowsRead).toBeLessThan(lines.length - 1);
		// Only the header and the rows type inference reads (10,000) and one more are parsed.
		expect(preview.rowsRead).toBe(PREVIEW_LINES - 1);
		expect(Math.abs(preview.estimatedRows - (lines.length - 1)) / (lines.length - 1)).toBeLessThan(0.02);
	});
});
