import { describe, expect, it } from 'vitest';
import { createRng } from '$workers/lib/random';
import { fitCategorical, fitNumeric, logPdfNumeric, sampleNumeric } from './parzen';

describe('Parzen estimators', () => {
	it('is a density on [low, high]: integrates to 1 and samples stay inside', () => {
		const p = fitNumeric([0.1, 0.15, 0.9], [1, 1, 1], 0, 1, 1);
		let integral = 0;
		let below = 0;
		const steps = 20000;
		for (let i = 0; i < steps; i++) {
			const mass = Math.exp(logPdfNumeric(p, (i + 0.5) / steps)) / steps;
			integral += mass;
			if ((i + 0.5) / steps < 0.3) below += mass;
		}
		expect(integral).toBeCloseTo(1, 4);
		const rng = createRng(1);
		let near = 0;
		for (let i = 0; i < 2000; i++) {
			const x = sampleNumeric(p, rng);
			expect(x).toBeGreaterThanOrEqual(0);
			expect(x).toBeLessThanOrEqual(1);
			if (x < 0.3) near++;
		}
		// the sampler draws from the density it scores with
		expect(Math.abs(near / 2000 - below)).toBeLessThan(0.03);
		expect(below).toBeGreaterThan(0.35); // uniform would give 0.3
	});

	it('sets each bandwidth from the neighbours, clipped, with the prior as wide as the range', () => {
		const p = fitNumeric([0.2, 0.4, 0.5], [1, 1, 1], 0, 1, 1);
		// sorted with prior: .2 .4 .5 .5(prior) → gaps .2, .1, 0; ends look inward; min = 1/min(100, 5) = .2
		expect(p.sigmas.slice(0, 3).map((s) => Number(s.toFixed(12)))).toEqual([0.2, 0.2, 0.2]);
		expect(p.sigmas[3]).toBe(1);
		expect(p.weights).toEqual([0.25, 0.25, 0.25, 0.25]);
	});

	it('smooths category counts with the prior', () => {
		expect(fitCategorical([0, 0, 2], [1, 1, 1], 3, 1)).toEqual([7 / 12, 1 / 12, 4 / 12].map((v) => expect.closeTo(v, 12)));
	});
});
