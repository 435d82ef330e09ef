import { describe, expect, it } from 'vitest';
import { epsilon } from '$workers/lib/trust/rdp';
import { planPrivacy, trainRowsAbout } from './privacy-figures';

describe('planPrivacy', () => {
	it('gives the accountant ε for the planned steps, growing epoch by epoch', () => {
		const plan = planPrivacy({ trainRows: 60000, batchSize: 256, epochs: 15, delta: 1e-5, noiseMultiplier: 1.1 });
		expect(plan.stepsPerEpoch).toBe(Math.round(60000 / 256));
		expect(plan.epsilon).toBeCloseTo(epsilon(256 / 60000, 1.1, plan.steps, 1e-5), 10);
		// Abadi et al. (2016) / tensorflow-privacy's MNIST tutorial: about ε = 1.2 for these settings.
		expect(plan.epsilon).toBeGreaterThan(1);
		expect(plan.epsilon).toBeLessThan(1.5);
		for (let i = 1; i < plan.perEpoch.length; i++) expect(plan.perEpoch[i]).toBeGreaterThan(plan.perEpoch[i - 1]);
		expect(plan.perEpoch.at(-1)).toBeCloseTo(plan.epsilon, 10);
	});

	it('finds the noise a target ε needs, spending no more than it', () => {
		const plan = planPrivacy({ trainRows: 1000, batchSize: 50, epochs: 10, delta: 1e-5, targetEpsilon: 3 });
		expect(plan.epsilon).toBeLessThanOrEqual(3);
		expect(plan.epsilon).toBeGreaterThan(2.9);
	});

	it('refuses a batch larger than the training rows and a δ out of range', () => {
		expect(() => planPrivacy({ trainRows: 10, batchSize: 32, epochs: 1, delta: 1e-5, noiseMultiplier: 1 })).toThrow(/larger than/);
		expect(() => planPrivacy({ trainRows: 100, batchSize: 10, epochs: 1, delta: 0, noiseMultiplier: 1 })).toThrow(/δ/);
	});

	it('estimates the training rows as the split takes them', () => {
		expect(trainRowsAbout(534, 0.2, 0.2)).toBe(534 - 107 - 85);
	});
});
