import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseInteger, parseNumber } from './number';

describe('parseNumber', () => {
	it('reads plain decimals and exponents', () => {
		expect(parseNumber(' 6.7 ')).toBe(6.7);
		expect(parseNumber('-.5')).toBe(-0.5);
		expect(parseNumber('1e3')).toBe(1000);
		expect(parseNumber('5.')).toBe(5);
	});

	it('refuses what Number() wrongly accepts', () => {
		for (const text of ['', ' ', '0x1A', '0b11', '0o7', 'Infinity', '-Infinity', 'NaN', '1e400', '1,5', '1_000', '--1', 'abc']) {
			expect(parseNumber(text), text).toBeUndefined();
		}
	});

	it('round-trips every finite double written by JavaScript', () => {
		fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => Object.is(parseNumber(String(v)), v === 0 ? v : v) || parseNumber(String(v)) === v));
	});

	it('parseInteger accepts only whole numbers', () => {
		expect(parseInteger('42')).toBe(42);
		expect(parseInteger('3.5')).toBeUndefined();
		expect(parseInteger('abc')).toBeUndefined();
	});
});
