import { describe, expect, it } from 'vitest';
import { holdoutSplit } from './split';

describe('holdoutSplit', () => {
	const rows = Int32Array.from({ length: 100 }, (_, i) => i);
	const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : i < 95 ? 1 : 2));

	it('keeps each class share in the holdout and puts every row in exactly one part', () => {
		const { train, holdout } = holdoutSplit(rows, 0.2, 1, labels);
		expect(holdout.length).toBe(14 + 5 + 1);
		expect([...train, ...holdout].sort((a, b) => a - b)).toEqual([...rows]);
		const count = (part: Int32Array, label: number) => part.filter((r) => labels[r] === label).length;
		expect([count(holdout, 0), count(holdout, 1), count(holdout, 2)]).toEqual([14, 5, 1]);
	});

	it('is the same for the same seed and different for another', () => {
		expect(holdoutSplit(rows, 0.2, 5, labels)).toEqual(holdoutSplit(rows, 0.2, 5, labels));
		expect(holdoutSplit(rows, 0.2, 5, labels).holdout).not.toEqual(holdoutSplit(rows, 0.2, 6, labels).holdout);
	});

	it('keeps a class with a single row in training', () => {
		const single = Int32Array.from([0, 0, 0, 0, 1]);
		const { holdout } = holdoutSplit(Int32Array.from([0, 1, 2, 3, 4]), 0.5, 1, single);
		expect([...holdout]).not.toContain(4);
	});

	it('handles a million rows without recursion limits', () => {
		const many = Int32Array.from({ length: 1_000_000 }, (_, i) => i);
		const { train, holdout } = holdoutSplit(many, 0.2, 3);
		expect(train.length + holdout.length).toBe(1_000_000);
		expect(holdout.length).toBe(200_000);
	});
});
