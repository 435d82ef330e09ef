import { describe, expect, it } from 'vitest';
import { DEFAULT_MLP_OPTIONS } from '$shared/mlp-options';
import { learningRateAt } from './schedule';

const at = (epoch: number, batch = 0) => ({ epoch, batch, batchesPerEpoch: 4, epochs: 20 });

describe('learningRateAt', () => {
	it('keeps the base rate when constant (today\'s behaviour)', () => {
		for (const e of [1, 7, 20]) for (const b of [0, 3]) expect(learningRateAt(0.01, DEFAULT_MLP_OPTIONS, at(e, b))).toBe(0.01);
	});

	it('decays by the factor every stepEvery epochs', () => {
		const o = { ...DEFAULT_MLP_OPTIONS, schedule: 'step' as const, stepEvery: 5, stepFactor: 0.1 };
		expect(learningRateAt(1, o, at(1))).toBe(1);
		expect(learningRateAt(1, o, at(5, 3))).toBe(1);
		expect(learningRateAt(1, o, at(6))).toBeCloseTo(0.1, 12);
		expect(learningRateAt(1, o, at(11))).toBeCloseTo(0.01, 12);
		expect(learningRateAt(1, o, at(20, 3))).toBeCloseTo(0.001, 12);
	});

	it('anneals along a half cosine from the base rate towards 0', () => {
		const o = { ...DEFAULT_MLP_OPTIONS, schedule: 'cosine' as const };
		expect(learningRateAt(2, o, at(1))).toBe(2);
		// Halfway through the 80 steps the rate is half the base.
		expect(learningRateAt(2, o, at(11, 0))).toBeCloseTo(1, 12);
		const last = learningRateAt(2, o, at(20, 3));
		expect(last).toBeGreaterThan(0);
		expect(last).toBeLessThan(0.01);
		const rates = Array.from({ length: 80 }, (_, s) => learningRateAt(2, o, at(Math.floor(s / 4) + 1, s % 4)));
		rates.slice(1).forEach((r, i) => expect(r).toBeLessThan(rates[i]));
	});

	it('warms up linearly per step, then runs the schedule from the end of warm-up', () => {
		const o = { ...DEFAULT_MLP_OPTIONS, schedule: 'cosine' as const, warmupEpochs: 2 };
		const warm = Array.from({ length: 8 }, (_, s) => learningRateAt(1, o, at(Math.floor(s / 4) + 1, s % 4)));
		expect(warm).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((k) => k / 8));
		expect(learningRateAt(1, o, at(3, 0))).toBe(1);
		const stepped = { ...DEFAULT_MLP_OPTIONS, schedule: 'step' as const, warmupEpochs: 2, stepEvery: 3, stepFactor: 0.5 };
		expect(learningRateAt(1, stepped, at(5, 3))).toBe(1);
		expect(learningRateAt(1, stepped, at(6, 0))).toBe(0.5);
	});
});

describe('describeMlpOptions', () => {
	it('names only what differs from the defaults, so old runs read as before', async () => {
		const { describeMlpOptions } = await import('$shared/mlp-options');
		expect(describeMlpOptions(undefined)).toEqual([]);
		expect(describeMlpOptions({ activation: 'tanh', dropout: [0.2, 0.1], batchNorm: true, optimizer: 'sgd', nesterov: true, schedule: 'step', stepFactor: 0.5, stepEvery: 10, warmupEpochs: 2 })).toEqual(['tanh', 'dropout 0.2/0.1', 'batch-norm', 'SGD Nesterov m 0.9', 'step ×0.5/10', 'warm-up 2']);
	});
});
