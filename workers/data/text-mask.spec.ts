import { describe, expect, it } from 'vitest';
import type { Table } from '../protocol';
import { maskTableColumn } from './text-mask';

describe('masking personal data in a text column', () => {
	it('replaces e-mails and phone numbers, merges texts that became equal, keeps other columns and missing cells', () => {
		const table: Table = {
			rowCount: 4,
			columns: [
				{ name: 'text', kind: 'categorical', categories: ['write to ann@example.com', 'write to bob@example.org', 'no contact here'], codes: Int32Array.from([0, 1, 2, -1]) },
				{ name: 'n', kind: 'numeric', values: Float64Array.from([1, 2, 3, 4]) }
			]
		};
		const { table: out, maskedRows } = maskTableColumn(table, 'text');
		expect(maskedRows).toBe(2);
		const text = out.columns[0];
		if (text.kind !== 'categorical') throw new Error('kind');
		expect(text.categories).toEqual(['write to [EMAIL]', 'no contact here']);
		expect(Array.from(text.codes)).toEqual([0, 0, 1, -1]);
		expect(out.columns[1]).toBe(table.columns[1]);
		expect(() => maskTableColumn(table, 'n')).toThrow(/holds numbers/);
		expect(() => maskTableColumn(table, 'x')).toThrow(/no column/);
	});
});
