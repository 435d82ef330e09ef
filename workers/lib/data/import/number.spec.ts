// shared/number.ts is tested here: vitest only collects specs under workers/ and src/.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hasLeadingZero, isInfinityText, isNaNText, parseNumber } from '$shared/number';
import { parseNumberAt } from './cells';

describe('parseNumber', () => {
	it.each([
		['0', 0],
		['42', 42],
		['-3.5', -3.5],
		['+7', 7],
		['1.', 1],
		['.5', 0.5],
		['1e3', 1000],
		['-2.5E-3', -0.0025],
		['  12  ', 12],
		['\t8\t', 8],
		['007', 7],
		['0.1', 0.1],
		['123456789012345678', 123456789012345680]
	])('reads %j as %d', (text, value) => {
		expect(parseNumber(text)).toBe(value);
	});

	it.each(['', ' ', '0x1A', '1_000', '1,000', 'Infinity', '-Infinity', 'NaN', 'nan', '1e', 'e5', '.', '-', '+', '1.2.3', '12abc', '1 2', '١٢', '1e999', '0b101', '\u00a05'])(
		'refuses %j',
		(text) => {
			expect(parseNumber(text)).toBeUndefined();
		}
	);

	it('accepts a decimal comma and thousands separators only when the format says so', () => {
		expect(parseNumber('1,5')).toBeUndefined();
		expect(parseNumber('1,5', { decimal: ',' })).toBe(1.5);
		expect(parseNumber('1.234,5', { decimal: ',', thousands: '.' })).toBe(1234.5);
		expect(parseNumber('1,234,567.25', { thousands: ',' })).toBe(1234567.25);
		expect(parseNumber('12,34', { thousands: ',' })).toBeUndefined();
		expect(parseNumber("1'000", { thousands: "'" })).toBe(1000);
		expect(parseNumber('1.5', { decimal: ',' })).toBeUndefined();
	});

	it('knows leading zeros, NaN and infinity spellings', () => {
		expect(['08123', '-007', '00.5', '0012'].every(hasLeadingZero)).toBe(true);
		expect(['0', '0.5', '10', '-0.1', '8123', ''].some(hasLeadingZero)).toBe(false);
		expect(['NaN', 'nan', '-NaN', ' NAN '].every(isNaNText)).toBe(true);
		expect(['Infinity', '-inf', '+INF', 'infinity'].every(isInfinityText)).toBe(true);
		expect(isInfinityText('infinite')).toBe(false);
	});

	it('the importer byte parser reads every string exactly as parseNumber does', () => {
		const numberish = fc.stringMatching(/^[ \t]?[+-]?\d{0,20}(\.\d{0,20})?([eE][+-]?\d{1,4})?[ \t]?$/);
		const any = fc.string({ unit: fc.constantFrom(...'0123456789+-.eE xa,\t'.split('')), maxLength: 24 });
		fc.assert(
			fc.property(fc.oneof(numberish, any, fc.double().map(String)), (text) => {
				const bytes = new TextEncoder().encode(text);
				const fromBytes = parseNumberAt(bytes, 0, bytes.length);
				const expected = parseNumber(text);
				if (expected === undefined) expect(Number.isNaN(fromBytes)).toBe(true);
				else expect(Object.is(fromBytes, expected)).toBe(true);
			}),
			{ numRuns: 5000, seed: 7 }
		);
	});
});
