import { describe, expect, it } from 'vitest';
import type { Table } from '$workers/protocol';
import { booleanTargetAsClasses, targetAsTrained } from './train-table';

const table: Table = {
	rowCount: 4,
	columns: [
		{ name: 'x', kind: 'numeric', values: new Float64Array([1, 2, 3, 4]) },
		{ name: 'paid', kind: 'numeric', values: new Float64Array([0, 1, NaN, 1]) }
	]
};
const columns = [
	{ name: 'x', kind: 'numeric' as const },
	{ name: 'paid', kind: 'numeric' as const, semantic: 'boolean' as const, booleanLabels: ['no', 'yes'] as [string, string] }
];

describe('the target as a model was trained on it', () => {
	it('reads a yes/no target as its two spellings, missing stays missing', () => {
		const read = booleanTargetAsClasses(table, 'paid', columns).columns[1];
		expect(read).toMatchObject({ kind: 'categorical', categories: ['no', 'yes'] });
		expect(Array.from((read as { codes: Int32Array }).codes)).toEqual([0, 1, -1, 1]);
	});

	it('reads it as today’s training does for a model with named classes, and as 0/1 numbers for a model trained on them', () => {
		expect(targetAsTrained(table, 'paid', columns, ['no', 'yes']).columns[1].kind).toBe('categorical');
		expect(targetAsTrained(table, 'paid', columns).columns[1].kind).toBe('categorical');
		expect(targetAsTrained(table, 'paid', columns, ['0', '1'])).toBe(table);
	});
});
