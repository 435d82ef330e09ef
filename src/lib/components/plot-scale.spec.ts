import { describe, expect, it } from 'vitest';
import { extent, position, tickLabel, ticks } from './plot-scale';

describe('plot scales', () => {
	it('pads an extent, skips non-finite values and widens a constant one', () => {
		expect(extent([0, 10], 0.1)).toEqual({ min: -1, max: 11 });
		expect(extent([NaN, 2, Infinity, 4], 0)).toEqual({ min: 2, max: 4 });
		expect(extent([3, 3])).toEqual({ min: 2.7, max: 3.3 });
		expect(extent([])).toEqual({ min: 0, max: 1 });
	});

	it('places values linearly or in log space', () => {
		expect(position({ min: 0, max: 4 }, 1)).toBe(0.25);
		expect(position({ min: 1e-4, max: 1e-1, log: true }, 1e-2)).toBeCloseTo(2 / 3, 10);
	});

	it('picks round ticks inside the axis', () => {
		expect(ticks({ min: 0, max: 1 })).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
		expect(ticks({ min: -3.2, max: 7.9 }, 4)).toEqual([0, 5]);
		expect(ticks({ min: -3.2, max: 7.9 }, 6)).toEqual([-2, 0, 2, 4, 6]);
		expect(ticks({ min: 1e-4, max: 0.3, log: true })).toEqual([1e-4, 1e-3, 1e-2, 1e-1]);
		// Counts (jobs finished, epochs) tick at whole numbers only, however short the axis.
		expect(ticks({ min: 15.9, max: 17.1, integer: true })).toEqual([16, 17]);
		expect(ticks({ min: 0.5, max: 40, integer: true }, 4)).toEqual([10, 20, 30, 40]);
		expect(tickLabel(0.30000000000000004)).toBe('0.3');
		expect(tickLabel(1e-5)).toBe('1e-5');
	});
});
