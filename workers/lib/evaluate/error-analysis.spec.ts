import { describe, expect, it } from 'vitest';
import { worstClassified, worstRegressed } from './error-analysis';
import { multiclassInput } from './sklearn-reference.spec-support';

describe('worst predictions', () => {
	it('orders classified rows by cross-entropy and filters by class, prediction and slice', () => {
		const input = multiclassInput();
		const worst = worstClassified(input, {}, 3);
		const losses = Array.from(input.truth, (t, i) => -Math.log(input.probabilities[i * 3 + t]));
		const expected = Array.from(losses.keys()).sort((a, b) => losses[b] - losses[a] || a - b).slice(0, 3);
		expect(worst.map((w) => w.index)).toEqual(expected);
		expect(worst[0].loss).toBeCloseTo(Math.max(...losses), 6);
		const wrongA = worstClassified(input, { trueClass: 0, wrongOnly: true });
		expect(wrongA.map((w) => w.index)).toEqual([6]);
		expect(wrongA[0]).toMatchObject({ truth: 0, predicted: 2 });
		expect(worstClassified(input, { predictedClass: 1 }).every((w) => w.predicted === 1)).toBe(true);
		expect(worstClassified(input, { rows: [0, 11] }).map((w) => w.index)).toEqual([0, 11]);
		expect(() => worstClassified(input, { rows: [12] })).toThrow(/Row 12 is not among the 12/);
	});

	it('orders regressed rows by absolute error', () => {
		const worst = worstRegressed({ truth: [1, 2, 3, 4], predicted: [1, 5, 2.5, 4.1] }, {}, 2);
		expect(worst.map((w) => [w.index, w.residual])).toEqual([
			[1, -3],
			[2, 0.5]
		]);
	});
});
