import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '$workers/lib/random';
import { fromInternal, internalBounds, sampleUniform, validateSpace } from './space';
import type { ParamSpec } from './types';

describe('search spaces', () => {
	it('samples inside the bounds, on the step, as whole numbers for int', () => {
		const specs: ParamSpec[] = [
			{ type: 'float', low: -2, high: 3 },
			{ type: 'float', low: 1e-5, high: 1, log: true },
			{ type: 'float', low: 0.1, high: 0.9, step: 0.1 },
			{ type: 'int', low: 1, high: 7 },
			{ type: 'int', low: 8, high: 256, log: true },
			{ type: 'int', low: 0, high: 100, step: 10 }
		];
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
				const rng = createRng(seed);
				return specs.every((spec) => {
					const v = sampleUniform(spec, rng) as number;
					if (spec.type === 'categorical' || v < spec.low || v > spec.high) return false;
					if (spec.type === 'int' && !Number.isInteger(v)) return false;
					if (spec.step !== undefined) return Math.abs(Math.round((v - spec.low) / spec.step) * spec.step + spec.low - v) < 1e-9;
					return true;
				});
			})
		);
	});

	it('gives each integer an equal share and spreads log ranges evenly in ln', () => {
		const rng = createRng(3);
		const counts = new Array<number>(8).fill(0);
		let below = 0;
		for (let i = 0; i < 8000; i++) {
			counts[sampleUniform({ type: 'int', low: 0, high: 7 }, rng) as number]++;
			if ((sampleUniform({ type: 'float', low: 1e-4, high: 1, log: true }, rng) as number) < 1e-2) below++;
		}
		counts.forEach((c) => expect(Math.abs(c - 1000)).toBeLessThan(120));
		expect(Math.abs(below - 4000)).toBeLessThan(200); // half of ln-range lies below 1e-2
		expect(internalBounds({ type: 'int', low: 1, high: 3 })).toEqual([0.5, 3.5]);
		expect(fromInternal({ type: 'float', low: 0, high: 1, step: 0.1 }, 0.3049)).toBe(0.3);
	});

	it('refuses bad ranges with a SearchError naming the parameter', () => {
		expect(() => validateSpace({ lr: { type: 'float', low: 0, high: 1, log: true } })).toThrow(/"lr" is searched on a log scale/);
		expect(() => validateSpace({ n: { type: 'int', low: 1.5, high: 3 } })).toThrow(/Integer parameter "n"/);
		expect(() => validateSpace({ c: { type: 'categorical', choices: [] } })).toThrow(/"c" has no choices/);
		expect(() => validateSpace({})).toThrow(/empty/);
		let error: unknown;
		try {
			validateSpace({ x: { type: 'float', low: 2, high: 1 } });
		} catch (e) {
			error = e;
		}
		expect(error).toMatchObject({ name: 'SearchError', message: expect.stringMatching(/"x" needs finite bounds with low ≤ high/) });
	});
});
