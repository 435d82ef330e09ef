import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { load } from './import.spec-support';

const file = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../../static/datasets/${name}`, import.meta.url))));

describe('bundled messy demo data', () => {
	it('titanic.csv: names flagged as personal data, missing ages, a yes/no target', async () => {
		const { end } = await load(file('titanic.csv'), 'titanic.csv', { target: 'survived' });
		expect(end.rowCount).toBe(1309);
		expect(end.columns.map((c) => [c.name, c.semantic])).toEqual([
			['name', 'text'],
			['survived', 'boolean'],
			['sex', 'categorical'],
			['age', 'numeric'],
			['passenger_class', 'categorical']
		]);
		const profile = end.profile!;
		expect(profile.columns[3].missing).toBe(263);
		expect(profile.warnings.find((w) => w.kind === 'pii')).toMatchObject({ column: 'name', pii: 'name' });
		expect(profile.target).toMatchObject({ task: 'classification', classes: [{ value: 'no', count: 809 }, { value: 'yes', count: 500 }] });
		expect(profile.warnings.some((w) => w.kind === 'leakage')).toBe(false);
	});

	it('diamonds.csv: 53,940 rows of mixed numbers and grades', async () => {
		const { end } = await load(file('diamonds.csv'), 'diamonds.csv', { target: 'price' });
		expect(end.rowCount).toBe(53_940);
		expect(end.columns.map((c) => c.semantic)).toEqual(['numeric', 'categorical', 'categorical', 'categorical', 'numeric', 'numeric', 'integer', 'numeric', 'numeric', 'numeric']);
		const profile = end.profile!;
		expect(profile.target?.task).toBe('regression');
		expect(profile.columns[6].numeric).toMatchObject({ min: 326, max: 18823, approximate: false });
		// pandas 1.5.3 on the same file: 146 duplicated rows; numpy.percentile of price below.
		expect(profile.duplicateRows).toBe(146);
		const numpy = [429, 544, 950, 2401, 5324.25, 13107.1, 17378.22];
		profile.columns[6].numeric!.quantiles.forEach((q, i) => expect(q.value).toBeCloseTo(numpy[i], 6));
		const carat = profile.correlation.columns.indexOf('carat');
		const price = profile.correlation.columns.indexOf('price');
		expect(profile.correlation.values[carat * profile.correlation.columns.length + price]).toBeGreaterThan(0.9);
	});
});
