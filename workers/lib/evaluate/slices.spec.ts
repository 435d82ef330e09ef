import { describe, expect, it } from 'vitest';
import type { Column } from '$workers/protocol';
import { classificationReport } from './classification';
import { classificationSliceMetrics, defineSlices, regressionSliceMetrics, rowsInSlice } from './slices';
import { multiclassInput } from './sklearn-reference.spec-support';

describe('slices', () => {
	const category: Column = { name: 'colour', kind: 'categorical', categories: ['red', 'blue', 'green'], codes: Int32Array.from([0, 0, 1, 1, 1, -1, 2, 0, 1, 0, 2, 1]) };
	const number: Column = { name: 'size', kind: 'numeric', values: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, Number.NaN, 12]) };
	const rows = Int32Array.from({ length: 12 }, (_, i) => i);

	it('slices by category (most frequent first, missing apart) and by numeric quantile bins', () => {
		const c = defineSlices(category, rows);
		expect(c.labels).toEqual(['blue', 'red', 'green', '(missing)']);
		expect(Array.from(rowsInSlice(c, 0))).toEqual([2, 3, 4, 8, 11]);
		const other = defineSlices(category, rows, { maxCategories: 1 });
		expect(other.labels).toEqual(['blue', '(other)', '(missing)']);
		const n = defineSlices(number, rows, { bins: 2 });
		// 11 present values 1..10, 12: quantiles 0, .5, 1 → 1, 6, 12
		expect(n.edges).toEqual([1, 6, 12]);
		expect(n.labels).toEqual(['[1, 6]', '(6, 12]', '(missing)']);
		expect(Array.from(n.assignment)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 1]);
	});

	it('scores each slice with the report definitions, and the slices add up to the whole', () => {
		const input = multiclassInput();
		const slices = defineSlices(number, rows, { bins: 2 });
		const per = classificationSliceMetrics(input, slices);
		expect(per.map((p) => p.rows)).toEqual([6, 5, 1]);
		const whole = classificationReport(input);
		const correct = per.reduce((s, p) => s + p.metrics!.accuracy! * p.rows, 0);
		expect(correct / 12).toBeCloseTo(whole.accuracy, 12);
		const first = classificationReport({ ...input, truth: input.truth.slice(0, 6), probabilities: input.probabilities.slice(0, 18) });
		expect(per[0].metrics!.logLoss).toBeCloseTo(first.logLoss, 12);
		const reg = regressionSliceMetrics({ truth: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], predicted: [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13] }, slices);
		expect(reg.map((r) => r.metrics!.mae)).toEqual([0, 1, 1]);
	});
});
