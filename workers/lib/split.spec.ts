import { describe, expect, it } from 'vitest';
import { checkSplit, holdoutSplit, threeWaySplit } from './split';

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

describe('holdoutSplit never empties a class of training rows', () => {
	it('keeps a row of a two-row class in training even at a large holdout share', () => {
		const labels = Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1]);
		const rows = Int32Array.from({ length: 8 }, (_, i) => i);
		for (const fraction of [0.5, 0.8, 0.95]) {
			const { train } = holdoutSplit(rows, fraction, 3, labels);
			expect([...train].filter((r) => labels[r] === 1)).toHaveLength(1);
			expect([...train].filter((r) => labels[r] === 0).length).toBeGreaterThanOrEqual(1);
		}
	});
});

describe('threeWaySplit', () => {
	const rows = Int32Array.from({ length: 200 }, (_, i) => i);
	const labels = Int32Array.from({ length: 200 }, (_, i) => (i < 120 ? 0 : i < 180 ? 1 : 2));

	it('gives disjoint parts that cover every row, each stratified', () => {
		const { train, validation, holdout } = threeWaySplit(rows, 0.2, 0.25, 9, labels);
		expect([...train, ...validation, ...holdout].sort((a, b) => a - b)).toEqual([...rows]);
		expect(holdout.length).toBe(24 + 12 + 4);
		const count = (part: Int32Array, label: number) => part.filter((r) => labels[r] === label).length;
		expect([count(validation, 0), count(validation, 1), count(validation, 2)]).toEqual([24, 12, 4]);
	});

	it('keeps the holdout fixed when only the validation share changes', () => {
		expect(threeWaySplit(rows, 0.2, 0.1, 4, labels).holdout).toEqual(threeWaySplit(rows, 0.2, 0.3, 4, labels).holdout);
	});

	it('has no validation part at share 0, and checkSplit says when one is needed', () => {
		const split = threeWaySplit(rows, 0.2, 0, 4, labels);
		expect(split.validation).toHaveLength(0);
		expect(() => checkSplit(split, true)).toThrow(/validation share/);
		expect(() => checkSplit(split, false)).not.toThrow();
	});
});
