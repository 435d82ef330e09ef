import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldRows, groupKFold, kFold, leakageCheck, randomHoldout, stratifiedHoldout, stratifiedKFold, threeWaySplit, timeSplit, type Folds } from './index';
import { cat, num, table } from '../pipeline/test-tables.spec-support';

const range = (n: number, from = 0) => Int32Array.from({ length: n }, (_, i) => i + from);
const countOf = (labels: number[], rows: Int32Array, base: number, c: number) => Array.from(rows).filter((r) => labels[r - base] === c).length;

/** Class sizes → labels parallel to rows (row = index + base). */
const labelsFor = (sizes: number[]) => sizes.flatMap((n, c) => new Array<number>(n).fill(c));

const sizesArb = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 });

describe('holdout splits', () => {
	it('stratified: each class within one row of the exact share, a training row kept per class, disjoint and covering', () => {
		fc.assert(
			fc.property(sizesArb, fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.integer(), (sizes, fraction, seed) => {
				const labels = labelsFor(sizes);
				const rows = range(labels.length, 100);
				const { train, holdout, notes } = stratifiedHoldout(rows, labels, fraction, seed);
				expect([...train, ...holdout].sort((a, b) => a - b)).toEqual(Array.from(rows));
				sizes.forEach((n, c) => {
					const h = countOf(labels, holdout, 100, c);
					expect(Math.abs(h - n * fraction)).toBeLessThanOrEqual(1);
					expect(n - h).toBeGreaterThanOrEqual(1);
				});
				expect(notes.length).toBe(sizes.includes(1) ? 1 : 0);
			}),
			{ numRuns: 300 }
		);
	});

	it('puts a one-row class in training and says so', () => {
		const { train, holdout, notes } = stratifiedHoldout(range(7), [0, 0, 0, 1, 1, 1, 2], 0.34, 3, ['a', 'b', 'rare']);
		expect(train).toContain(6);
		expect(holdout).not.toContain(6);
		expect(notes[0]).toMatch(/"rare" has a single row; it stays in training/);
	});

	it('random holdout and the same seed give the same rows; another seed other rows', () => {
		const a = randomHoldout(range(100), 0.25, 7);
		expect(a.holdout.length).toBe(25);
		expect(randomHoldout(range(100), 0.25, 7)).toEqual(a);
		expect(randomHoldout(range(100), 0.25, 8).holdout).not.toEqual(a.holdout);
		expect(() => randomHoldout(range(1), 0.2, 1)).toThrow(/at least 2 rows/);
		expect(() => randomHoldout(range(9), 1.5, 1)).toThrow(/between 0 and 1/);
	});

	it('train / validation / holdout: disjoint, covering, stratified within one row', () => {
		const sizes = [50, 30, 7, 2];
		const labels = labelsFor(sizes);
		const rows = range(labels.length);
		const split = threeWaySplit(rows, { validation: 0.2, holdout: 0.2 }, 11, labels);
		expect([...split.train, ...split.validation, ...split.holdout].sort((a, b) => a - b)).toEqual(Array.from(rows));
		sizes.forEach((n, c) => {
			for (const part of [split.validation, split.holdout]) expect(Math.abs(countOf(labels, part, 0, c) - n * 0.2)).toBeLessThanOrEqual(1);
			expect(countOf(labels, split.train, 0, c)).toBeGreaterThanOrEqual(1);
		});
		expect(threeWaySplit(rows, { validation: 0.2, holdout: 0.2 }, 11, labels)).toEqual(split);
		expect(() => threeWaySplit(rows, { validation: 0.5, holdout: 0.5 }, 1)).toThrow(/leave rows for training/);
	});
});

function expectPartition(folds: Folds, n: number) {
	const seen = new Set<number>();
	for (let f = 0; f < folds.k; f++) {
		const { train, test } = foldRows(range(n), folds, f);
		expect(train.length + test.length).toBe(n);
		test.forEach((r) => {
			expect(seen.has(r)).toBe(false);
			seen.add(r);
		});
		expect(test.length).toBeGreaterThan(0);
	}
	expect(seen.size).toBe(n);
}

describe('folds', () => {
	it('k-fold: disjoint, covering, sizes within one, same seed same folds', () => {
		fc.assert(
			fc.property(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 10, max: 200 }), fc.integer(), (k, n, seed) => {
				const folds = kFold(range(n), k, seed);
				expectPartition(folds, n);
				const sizes = Array.from({ length: k }, (_, f) => folds.fold.filter((x) => x === f).length);
				expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
				expect(kFold(range(n), k, seed).fold).toEqual(folds.fold);
			}),
			{ numRuns: 100 }
		);
		expect(() => kFold(range(3), 5, 1)).toThrow(/5 folds need at least 5 rows/);
	});

	it('stratified k-fold: each class spread within one row across folds', () => {
		fc.assert(
			fc.property(sizesArb, fc.integer({ min: 2, max: 6 }), fc.integer(), (sizes, k, seed) => {
				const labels = labelsFor(sizes);
				fc.pre(labels.length >= k);
				const folds = stratifiedKFold(range(labels.length), labels, k, seed);
				expectPartition(folds, labels.length);
				sizes.forEach((n, c) => {
					const perFold = Array.from({ length: k }, (_, f) => labels.filter((l, i) => l === c && folds.fold[i] === f).length);
					expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
				});
				expect(stratifiedKFold(range(labels.length), labels, k, seed)).toEqual(folds);
			}),
			{ numRuns: 150 }
		);
	});

	it('group k-fold never splits a group across folds', () => {
		fc.assert(
			fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', null), { minLength: 20, maxLength: 120 }), fc.integer({ min: 2, max: 4 }), fc.integer(), (groups, k, seed) => {
				const column = cat('patient', groups);
				fc.pre(new Set(groups).size >= k);
				const rows = range(groups.length);
				const folds = groupKFold(rows, column, k, seed);
				const foldOf = new Map<string | null, number>();
				groups.forEach((g, i) => {
					if (foldOf.has(g)) expect(folds.fold[i]).toBe(foldOf.get(g));
					foldOf.set(g, folds.fold[i]);
				});
				expect(new Set(folds.fold).size).toBe(k);
				expect(groupKFold(rows, column, k, seed).fold).toEqual(folds.fold);
			}),
			{ numRuns: 150 }
		);
		expect(() => groupKFold(range(4), num('site', [1, 1, 2, 2]), 3, 1)).toThrow(/3 folds need at least 3 different values in "site"/);
	});
});

describe('time-ordered split', () => {
	it('holds out the latest rows, never splits a shared time, and leaves out rows without a time', () => {
		const when = num('when', [5, 1, 3, null, 9, 9, 2, 7, 8, 4]);
		const split = timeSplit(range(10), when, { holdout: 0.2, validation: 0.2 });
		expect(Array.from(split.holdout)).toEqual([4, 5]);
		expect(Array.from(split.validation)).toEqual([7, 8]);
		expect(Array.from(split.train)).toEqual([0, 1, 2, 6, 9]);
		expect(Array.from(split.excluded)).toEqual([3]);
		// A 25% holdout would cut the two rows at time 9 apart: both go to the holdout, along with 8.
		expect(Array.from(timeSplit(range(10), num('t', [1, 2, 3, 4, 5, 6, 7, 9, 9, 10]), { holdout: 0.25 }).holdout)).toEqual([7, 8, 9]);
		expect(() => timeSplit(range(3), num('t', [1, 1, 1]), { holdout: 0.3 })).toThrow(/no rows are left for training/);
	});
});

describe('leakage check', () => {
	it('finds holdout rows whose feature cells equal a training row, with examples', () => {
		const t = table(num('x', [1, 2, 1, NaN, NaN, 3, 1]), cat('c', ['a', 'b', 'a', 'z', 'z', 'a', 'b']), num('y', [0, 1, 2, 3, 4, 5, 6]));
		const report = leakageCheck(t, ['x', 'c'], Int32Array.of(0, 1, 3), Int32Array.of(2, 4, 5, 6));
		expect(report).toEqual({ columns: ['x', 'c'], holdoutRows: 2, trainRows: 2, examples: [{ holdoutRow: 2, trainRow: 0 }, { holdoutRow: 4, trainRow: 3 }] });
		expect(leakageCheck(t, ['x', 'c', 'y'], Int32Array.of(0, 1, 3), Int32Array.of(2, 4, 5, 6)).holdoutRows).toBe(0);
	});
});
