import { describe, expect, it } from 'vitest';
import { cellText } from '$shared/table';
import type { Table } from '$workers/protocol';
import { packColumns } from '$lib/db/dictionaries';
import { compactRows } from './read-rows';

describe('compactRows', () => {
	it('sends only the dictionary values the rows use, and every cell reads the same', () => {
		const ids = Array.from({ length: 100_000 }, (_, i) => `id-${i}`);
		const table: Table = {
			rowCount: 4,
			columns: [
				{ name: 'id', kind: 'categorical', categories: ids, codes: Int32Array.from([99_999, 5, -1, 5]) },
				{ name: 'x', kind: 'numeric', values: Float64Array.from([1, NaN, 3, 4]) }
			]
		};
		const compact = compactRows(table);
		expect(compact.columns[0]).toEqual({ name: 'id', kind: 'categorical', categories: ['id-99999', 'id-5'], codes: Int32Array.from([0, 1, -1, 1]) });
		expect(compact.columns[1]).toBe(table.columns[1]);
		for (let c = 0; c < 2; c++) for (let r = 0; r < 4; r++) expect(cellText(compact.columns[c], r)).toBe(cellText(table.columns[c], r));
	});

	it('cuts the values out of a packed dictionary without splitting it', () => {
		const ids = Array.from({ length: 5000 }, (_, i) => (i === 7 ? '' : `id-${i}`));
		const stored = packColumns([{ name: 'id', kind: 'categorical', categories: ids }]);
		expect(stored[0].packedCategories).toBeDefined();
		const codes = Int32Array.from([4999, 0, 7, 1234, -1, 0]);
		const compact = compactRows({ rowCount: 6, columns: [{ name: 'id', kind: 'categorical', categories: [], codes }] }, stored);
		const full = { name: 'id', kind: 'categorical' as const, categories: ids, codes };
		for (let r = 0; r < 6; r++) expect(cellText(compact.columns[0], r)).toBe(cellText(full, r));
		expect(compact.columns[0].kind === 'categorical' && compact.columns[0].categories).toEqual(['id-4999', 'id-0', '', 'id-1234']);
	});
});
