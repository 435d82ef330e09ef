import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { datePartColumns } from './dates';

describe('date parts', () => {
	it('agree with Date\'s UTC getters over the whole valid range, negative years included', () => {
		fc.assert(
			fc.property(fc.array(fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }), { minLength: 1, maxLength: 50 }), (ms) => {
				const [year, month, day, weekday, hour] = datePartColumns(Float64Array.from(ms), ['year', 'month', 'day', 'weekday', 'hour']);
				ms.forEach((v, i) => {
					const d = new Date(v);
					expect([year[i], month[i], day[i], weekday[i], hour[i]]).toEqual([d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), (d.getUTCDay() + 6) % 7, d.getUTCHours()]);
				});
			}),
			{ numRuns: 300 }
		);
	});

	it('makes missing, non-finite and out-of-range times missing', () => {
		const [year] = datePartColumns(Float64Array.of(NaN, Infinity, 8.64e15 + 1), ['year']);
		expect(Array.from(year)).toEqual([NaN, NaN, NaN]);
	});
});
