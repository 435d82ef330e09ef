import { describe, expect, it } from 'vitest';
import { imageSplit, validationRows } from './vision-split';

describe('imageSplit', () => {
	const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 90 ? 0 : 1));
	it('holds out a share of each class, disjoint from training, the same for the same seed', () => {
		const a = imageSplit(labels, 2, { seed: 3, holdoutFraction: 0.2, maxTrain: 0 });
		const b = imageSplit(labels, 2, { seed: 3, holdoutFraction: 0.2, maxTrain: 0 });
		expect(a).toEqual(b);
		expect(a.train.length + a.holdout.length).toBe(100);
		expect(new Set([...a.train, ...a.holdout]).size).toBe(100);
		expect(Array.from(a.holdout).filter((r) => labels[r] === 1)).toHaveLength(2);
		expect(imageSplit(labels, 2, { seed: 4, holdoutFraction: 0.2, maxTrain: 0 }).holdout).not.toEqual(a.holdout);
	});
	it('keeps a shipped test split and trains on a seeded subset', () => {
		const s = imageSplit(labels, 2, { seed: 1, holdoutFraction: 0.2, testStart: 80, maxTrain: 30 });
		expect(Array.from(s.holdout)).toEqual(Array.from({ length: 20 }, (_, i) => 80 + i));
		expect(s.train).toHaveLength(30);
		expect(Math.max(...s.train)).toBeLessThan(80);
	});
});

describe('validationRows', () => {
	const labels = Int32Array.from({ length: 40 }, (_, i) => i % 4);
	it('keeps a seeded fifth of each class apart, the same for the same seed', () => {
		const train = Int32Array.from({ length: 40 }, (_, i) => i);
		const a = validationRows(train, labels, 4, 0.2, 3);
		expect(a.validation).toHaveLength(8);
		expect(Array.from(a.validation, (r) => labels[r]).sort()).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
		expect(a.train.length + a.validation.length).toBe(40);
		expect(validationRows(train, labels, 4, 0.2, 3)).toEqual(a);
	});

	it('with one training image per class: a run goes on without curves, a search cannot score its trials', () => {
		const train = Int32Array.from([0, 1, 2, 3]);
		expect(validationRows(train, labels, 4, 0.2, 3, { optional: true })).toEqual({ train, validation: new Int32Array(0) });
		expect(() => validationRows(train, labels, 4, 0.2, 3)).toThrow(/too few training images \(4\)/);
	});
});
