import { describe, expect, it } from 'vitest';
import { fitPipeline, type Pipeline } from '$workers/lib/data/pipeline';
import { allRows, cat, num, table } from '$workers/lib/data/pipeline/test-tables.spec-support';
import { encodingGroups, readableColumns, referenceRow, variesAlone } from './groups';

const data = table(
	num('age', [20, 30, 40, 50, null, 60]),
	cat('city', ['Oslo', 'Rome', 'Oslo', 'Lima', 'Rome', 'Oslo']),
	cat('size', ['S', 'M', 'L', 'M', 'S', 'L']),
	cat('code', ['a', 'b', 'c', 'd', 'e', 'f']),
	num('y', [0, 1, 0, 1, 1, 0])
);

const pipeline: Pipeline = {
	format: 'kiln-pipeline',
	version: 1,
	steps: [{ kind: 'derive', name: 'age2', expression: 'age * 2' }],
	features: [
		{ kind: 'scale', column: 'age', method: 'min-max' },
		{ kind: 'one-hot', column: 'city', maxCategories: 5, other: true, missing: 'mode' },
		{ kind: 'ordinal', column: 'size', order: ['S', 'M', 'L'] },
		{ kind: 'hashing', column: 'code', buckets: 4 },
		{ kind: 'scale', column: 'age2', method: 'standard' }
	]
};

describe('feature groups of a fitted pipeline', () => {
	const { fitted } = fitPipeline(pipeline, data, allRows(6), { target: { name: 'y', task: 'regression' } });

	it('keeps each scaler\'s centre and scale, names one-hot categories and hashing buckets, reads an ordinal code as a number', () => {
		const groups = encodingGroups(fitted);
		expect(groups.map((g) => g.name)).toEqual(['age', 'city', 'size', 'code', 'age2']);
		const [age, city, size, code, age2] = groups;
		expect(age).toMatchObject({ kind: 'numeric', indices: [0], mean: 20, std: 40 });
		expect(city.kind).toBe('categorical');
		expect(city.categories).toEqual(expect.arrayContaining(['Oslo', 'Rome']));
		expect(city.indices).toHaveLength(city.categories!.length);
		expect(size).toMatchObject({ kind: 'numeric', indices: [city.indices.at(-1)! + 1] });
		expect(size.mean).toBeUndefined();
		expect(code.kind).toBe('categorical');
		expect(code.categories).toEqual(['code#0', 'code#1', 'code#2', 'code#3']);
		expect(groups.every(variesAlone)).toBe(true);
		expect(variesAlone({ name: 'text', kind: 'numeric', indices: [0, 1, 2] })).toBe(false);
		expect(age2.indices).toEqual([fitted.inputSize - 1]);
		const all = groups.flatMap((g) => g.indices).sort((a, b) => a - b);
		expect(all).toEqual(Array.from({ length: fitted.inputSize }, (_, i) => i));
	});

	it('starts explanations from every number at its training mean and no category', () => {
		const row = referenceRow(fitted);
		const [age, city, size, code, age2] = encodingGroups(fitted);
		// min-max on 20…60 with mean 40 (the missing age is left out): (40 − 20) / 40
		expect(row[age.indices[0]]).toBeCloseTo(0.5, 6);
		expect([...city.indices, ...code.indices].map((i) => row[i])).toEqual(new Array(city.indices.length + 4).fill(0));
		expect(row[size.indices[0]]).toBe(fitted.features[2].params.fill);
		expect(row[age2.indices[0]]).toBeCloseTo(0, 6);
	});

	it('reads rows by the raw input columns, not the derived ones or the target', () => {
		expect(readableColumns(fitted, 'y').sort()).toEqual(['age', 'city', 'code', 'size']);
	});
});
