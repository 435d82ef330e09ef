import { describe, expect, it } from 'vitest';
import { rowsTable } from './rows-table';
import type { FeatureTransform } from '../protocol';

const features: FeatureTransform[] = [
	{ name: 'x', kind: 'numeric', mean: 0, std: 1 },
	{ name: 'c', kind: 'categorical', categories: ['a', 'b'], fill: 0 }
];

describe('rowsTable', () => {
	it('reads numbers with the shared parser and empty or NA as missing', () => {
		const table = rowsTable(features, [{ x: ' 2.5 ', c: 'b' }, { x: '', c: '' }, { x: 'NA', c: 'None' }]);
		const [x, c] = table.columns;
		expect(x.kind === 'numeric' && Array.from(x.values)).toEqual([2.5, NaN, NaN]);
		expect(c.kind === 'categorical' && [c.categories, Array.from(c.codes)]).toEqual([['b', 'None'], [0, -1, 1]]);
	});

	it('refuses hex and other text in a numeric field, naming the field and the value', () => {
		expect(() => rowsTable(features, [{ x: '0x1A', c: 'a' }])).toThrow(/“x” must be a number .* not “0x1A”/);
	});
});
