import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../tests/unit-support';
import { findColumn } from '$shared/table';
import { auditFairness } from './fairness';

describe('the CPS 1985 wages demo set', () => {
	const table = loadDataset('cps-wages-1985.csv');
	const count = (name: string) => {
		const column = findColumn(table, name);
		if (column.kind !== 'categorical') throw new Error(`${name} should be categorical`);
		const counts: Record<string, number> = {};
		column.codes.forEach((c) => (counts[column.categories[c]] = (counts[column.categories[c]] ?? 0) + 1));
		return counts;
	};

	it('parses with Kiln’s CSV reader into the documented columns and counts', () => {
		expect(table.rowCount).toBe(534);
		expect(table.columns.map((c) => `${c.name}:${c.kind}`)).toEqual([
			'education:numeric', 'experience:numeric', 'age:numeric', 'gender:categorical', 'race:categorical', 'region:categorical',
			'occupation:categorical', 'sector:categorical', 'union:categorical', 'married:categorical', 'wage_above_median:categorical'
		]);
		expect(count('gender')).toEqual({ female: 245, male: 289 });
		expect(count('race')).toEqual({ hispanic: 27, white: 440, other: 67 });
		// Berndt's sample: 96 union members and 350 married (the npm source has both codings inverted).
		expect(count('union')).toEqual({ no: 438, yes: 96 });
		expect(count('married')).toEqual({ yes: 350, no: 184 });
		expect(count('wage_above_median')).toEqual({ no: 268, yes: 266 });
	});

	it('shows the 1985 gender gap in the labels themselves', () => {
		const target = findColumn(table, 'wage_above_median') as { codes: Int32Array; categories: string[] };
		const truth = Array.from(target.codes, (c) => (target.categories[c] === 'yes' ? 1 : 0));
		const gender = findColumn(table, 'gender') as { codes: Int32Array; categories: string[] };
		// Auditing the labels as if they were predictions gives each group's base rate.
		const audit = auditFairness({ truth, predicted: truth, sensitive: [{ name: 'gender', values: Array.from(gender.codes, (c) => gender.categories[c]) }] });
		const [female, male] = audit.perColumn[0].groups;
		// 100 of 245 women and 166 of 289 men earn above the median.
		expect(female.selectionRate.value).toBeCloseTo(100 / 245, 12);
		expect(male.selectionRate.value).toBeCloseTo(166 / 289, 12);
		expect(audit.perColumn[0].disparities.demographicParityDifference).toBeGreaterThan(0.15);
	});
});
