import { describe, expect, it } from 'vitest';
import { defaultCurveEpsilons, parseSigmas, parseTargetEpsilons, speedRatio } from './trust-figures';

describe('trust figures', () => {
	it('reads σ values, sorted and without repeats, and names a bad one', () => {
		expect(parseSigmas('2, 0.5 1,2')).toEqual({ sigmas: [0.5, 1, 2] });
		expect(parseSigmas('  ')).toEqual({ error: 'σ values: at least one number above 0.' });
		expect(parseSigmas('1, x')).toEqual({ error: 'σ values: "x" is not a number above 0.' });
		expect(parseSigmas('1, 0')).toEqual({ error: 'σ values: "0" is not a number above 0.' });
		expect(parseSigmas('1 2 3 4 5 6 7 8 9')).toEqual({ error: 'σ values: at most 8 (each is a full training run).' });
	});

	it('reads target ε values the same way, naming them', () => {
		expect(parseTargetEpsilons('8, 1 3')).toEqual({ sigmas: [1, 3, 8] });
		expect(parseTargetEpsilons('1, -2')).toEqual({ error: 'Target ε values: "-2" is not a number above 0.' });
	});

	it('gives DP-SGD speed as the median private rate over the plain rate', () => {
		const point = (samplesPerSecond: number) => ({ noiseMultiplier: 1, epsilon: 1, metric: 0.9, samplesPerSecond });
		expect(speedRatio({ baseline: { metric: 1, samplesPerSecond: 1000 }, points: [point(300), point(500), point(400)] })).toBeCloseTo(0.4, 10);
		expect(speedRatio({ baseline: { metric: 1, samplesPerSecond: 1000 }, points: [point(300), point(500)] })).toBeCloseTo(0.4, 10);
		expect(speedRatio({ baseline: { metric: 1, samplesPerSecond: 0 }, points: [point(300)] })).toBeNull();
	});

	it('checks a curve around the training ε by default', () => {
		expect(defaultCurveEpsilons(0.2)).toEqual([0.1, 0.2, 0.4, 0.6]);
		expect(defaultCurveEpsilons(0.1)).toEqual([0.05, 0.1, 0.2, 0.3]);
	});
});
