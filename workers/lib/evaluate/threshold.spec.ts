import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classificationReport } from './classification';
import { thresholdSweep } from './threshold';

describe('threshold sweep', () => {
	const positive = [1, 0, 1, 0];
	const scores = [0.9, 0.6, 0.4, 0.1];

	it('counts TP/FP/TN/FN and cost at each threshold (hand example)', () => {
		const r = thresholdSweep(positive, scores, { costs: { falsePositive: 1, falseNegative: 5 }, positiveClass: 'yes', points: 5 });
		expect(r.points.map((p) => p.threshold)).toEqual([0, 0.25, 0.5, 0.75, 1]);
		expect(r.points.map((p) => [p.tp, p.fp, p.tn, p.fn])).toEqual([
			[2, 2, 0, 0],
			[2, 1, 1, 0],
			[1, 1, 1, 1],
			[1, 0, 2, 1],
			[0, 0, 2, 2]
		]);
		expect(r.points.map((p) => p.cost)).toEqual([2, 1, 6, 5, 10]);
		expect(r.points.map((p) => p.precision)).toEqual([0.5, 2 / 3, 0.5, 1, 1]);
		expect(r.points.map((p) => p.recall)).toEqual([1, 1, 0.5, 0.5, 0]);
		// best: predict positive from 0.4 down, reported halfway to the next score (0.1)
		expect(r.best).toMatchObject({ threshold: 0.25, tp: 2, fp: 1, cost: 1, costPerRow: 0.25 });
		expect(r.atHalf).toMatchObject({ threshold: 0.5, cost: 6 });
	});

	it('finds the exact minimum cost over all thresholds (brute force)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 })), { minLength: 1, maxLength: 40 }),
				fc.integer({ min: 0, max: 10 }),
				fc.integer({ min: 0, max: 10 }),
				(rows, cfp, cfn) => {
					const pos = rows.map(([p]) => (p ? 1 : 0));
					const s = rows.map(([, v]) => v / 20);
					const r = thresholdSweep(pos, s, { costs: { falsePositive: cfp, falseNegative: cfn }, positiveClass: 'p' });
					let min = Infinity;
					for (const t of [...s, 2]) {
						let cost = 0;
						s.forEach((v, i) => {
							const predicted = v >= t;
							if (predicted && !pos[i]) cost += cfp;
							if (!predicted && pos[i]) cost += cfn;
						});
						min = Math.min(min, cost);
					}
					// the reported threshold must reproduce the reported cost
					let check = 0;
					s.forEach((v, i) => {
						if (v >= r.best.threshold && !pos[i]) check += cfp;
						if (v < r.best.threshold && pos[i]) check += cfn;
					});
					return r.best.cost === min && check === min;
				}
			)
		);
	});

	it('is part of a binary classification report, with the given costs', () => {
		const probabilities = Float32Array.from(scores.flatMap((s) => [1 - s, s]));
		const r = classificationReport({ truth: Int32Array.from(positive), probabilities, classes: ['no', 'yes'] }, { costs: { falsePositive: 1, falseNegative: 5 } });
		expect(r.threshold!.positiveClass).toBe('yes');
		expect(r.threshold!.points).toHaveLength(101);
		expect(r.threshold!.best.cost).toBe(1);
	});

	it('refuses a non-finite cost', () => {
		expect(() => thresholdSweep(positive, scores, { costs: { falsePositive: Number.NaN, falseNegative: 1 }, positiveClass: 'y' })).toThrow(/false positive must be a finite number/);
	});
});
