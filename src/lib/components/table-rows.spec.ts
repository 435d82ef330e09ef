import { describe, expect, it } from 'vitest';
import { LONG_CELL, headMarkup, previewRowMarkup, rowMarkup } from './table-rows';

const columns = [
	{ name: 'age', numeric: true, index: 3 },
	{ name: 'note <b>', numeric: false, index: 4 }
];

/** The cells read back with a small pattern (the specs run in Node, without a DOM). */
function parse(html: string): { index: string; classes: string; body: string }[] {
	return [...html.matchAll(/<div role="cell" aria-colindex="(\d+)" class="([^"]*)">(.*?)<\/div>/g)].map((m) => ({ index: m[1], classes: m[2], body: m[3] }));
}

describe('rowMarkup', () => {
	it('writes one cell per column with its position, kind and text, escaped', () => {
		const cells = parse(rowMarkup(7, columns, (row, column) => (column === 3 ? String(row * 10) : '<i>&"x\'')));
		expect(cells).toEqual([
			{ index: '4', classes: 'cell num', body: '70' },
			{ index: '5', classes: 'cell', body: '&lt;i&gt;&amp;&quot;x&#39;' }
		]);
	});

	it('marks missing cells and cells still being read', () => {
		const cells = parse(rowMarkup(0, columns, (_, column) => (column === 3 ? '' : null)));
		expect(cells).toEqual([
			{ index: '4', classes: 'cell num missing', body: '—' },
			{ index: '5', classes: 'cell', body: '…' }
		]);
	});

	it('cuts a long cell into a button naming its column and row', () => {
		const long = 'x'.repeat(LONG_CELL) + '<tail>';
		const html = rowMarkup(41, columns.slice(1), () => long);
		expect(html).toContain(`<button type="button" class="more" data-column="4" aria-label="Show all of note &lt;b&gt;, row 42">${'x'.repeat(LONG_CELL)}…</button>`);
		expect(html).not.toContain('tail');
		// Exactly LONG_CELL characters stay plain text.
		expect(rowMarkup(0, columns.slice(1), () => 'y'.repeat(LONG_CELL))).not.toContain('<button');
	});
});

describe('previewRowMarkup', () => {
	it('writes a cell per value, escaped, with missing values marked', () => {
		expect(previewRowMarkup(['1', '', 'a<b & "c"'])).toBe('<td>1</td><td class="missing">—</td><td>a&lt;b &amp; &quot;c&quot;</td>');
	});
});

describe('headMarkup', () => {
	it('writes each column header with its position, name as title, note and warning, escaped', () => {
		const html = headMarkup([
			{ name: 'a<b', numeric: true, index: 2, note: '123 · 0 – 9', warn: '3 missing' },
			{ name: 'c', numeric: false, index: 3 }
		]);
		expect(html).toBe(
			'<div role="columnheader" aria-colindex="3" class="cell headcell num" title="a&lt;b"><span class="name">a&lt;b</span><span class="note">123 · 0 – 9</span><span class="warn">3 missing</span></div>' +
				'<div role="columnheader" aria-colindex="4" class="cell headcell" title="c"><span class="name">c</span></div>'
		);
	});
});
