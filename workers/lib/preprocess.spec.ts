import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';
import { encodeFeatures, encodeTarget, fitPreprocessing, MAX_ONE_HOT } from './preprocess';
import { bytes } from '../../tests/unit-support';
import type { Table } from '../protocol';

const table = (text: string) => parseCsv(bytes(text), 't.csv').table;
const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('preprocessing', () => {
	const t = table('num,cat,empty,y\n1,a,,0.5\n3,b,,1.5\n,a,,2.5\n5,,,3.5\n');

	it('standardises numbers with training statistics and fills missing ones with the mean', () => {
		const prep = fitPreprocessing(t, ['num'], 'y', 'regression', all(4));
		expect(prep.features[0]).toMatchObject({ kind: 'numeric', mean: 3 });
		const { x } = encodeFeatures(t, prep, all(4));
		const std = Math.sqrt(8 / 3);
		expect(Array.from(x)).toEqual([-2 / std, 0, 0, 2 / std].map(Math.fround));
		expect(Array.from(encodeTarget(t, prep, all(4)))).toEqual([-3, -1, 1, 3].map((v) => Math.fround(v / Math.sqrt(5 / 4) / 2)));
	});

	it('fits on the given rows only, so the holdout cannot leak into scaling', () => {
		const prep = fitPreprocessing(t, ['num'], 'y', 'regression', Int32Array.of(0, 1));
		expect(prep.features[0]).toMatchObject({ mean: 2, std: 1 });
	});

	it('one-hot encodes categories, fills missing with the most frequent, and skips an all-empty column', () => {
		const prep = fitPreprocessing(t, ['cat', 'empty', 'num'], 'y', 'regression', all(4));
		expect(prep.features[0]).toMatchObject({ kind: 'categorical', categories: ['a', 'b'], fill: 0 });
		expect(prep.features[1]).toMatchObject({ kind: 'categorical', categories: [], fill: -1 });
		expect(prep.inputSize).toBe(3);
		const { x, unknownCategories } = encodeFeatures(t, prep, all(4));
		const rows = [0, 1, 2, 3].map((r) => Array.from(x.subarray(r * 3, r * 3 + 2)));
		expect(rows).toEqual([[1, 0], [0, 1], [1, 0], [1, 0]]);
		expect(unknownCategories).toBe(0);
	});

	it('keeps only the most frequent categories of an ID-like column', () => {
		const lines = ['id,y'];
		for (let i = 0; i < 500; i++) lines.push(`${i < 100 ? 'common' : `id${i}`},${i}`);
		const ids = table(lines.join('\n'));
		const prep = fitPreprocessing(ids, ['id'], 'y', 'regression', all(500));
		expect(prep.inputSize).toBe(MAX_ONE_HOT);
		expect((prep.features[0] as { categories: string[] }).categories[0]).toBe('common');
		expect(encodeFeatures(ids, prep, all(500)).unknownCategories).toBe(500 - 100 - (MAX_ONE_HOT - 1));
	});

	it('refuses a classification target with a single class', () => {
		const one = table('x,y\n1,a\n2,a\n');
		expect(() => fitPreprocessing(one, ['x'], 'y', 'classification', all(2))).toThrow(/only one class \("a"\)/);
	});
});

describe('standardising keeps precision far from zero', () => {
	it('finds the spread of values around 1e9 that sumSq/n − mean² loses', () => {
		const values = Float64Array.from({ length: 1000 }, (_, i) => 1e9 + (i % 10) * 0.001);
		const table: Table = { rowCount: values.length, columns: [{ name: 't', kind: 'numeric', values }, { name: 'y', kind: 'numeric', values: new Float64Array(values.length) }] };
		const prep = fitPreprocessing(table, ['t'], 'y', 'regression', Int32Array.from({ length: values.length }, (_, i) => i));
		const t = prep.features[0];
		if (t.kind !== 'numeric') throw new Error('expected numeric');
		expect(t.mean).toBeCloseTo(1e9 + 0.0045, 6);
		expect(t.std).toBeCloseTo(0.0028723, 6);
	});
});
