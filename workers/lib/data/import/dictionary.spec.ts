import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteDictionary } from './dictionary';
import { MissingTokens } from './cells';
import { TextReader } from './encoding';

const utf8 = new TextEncoder();

/** Codes the dictionary gives each value in turn, against a Map in order of first appearance. */
function codesOf(values: readonly string[], reserveAt = -1, expected = 0): { codes: number[]; reference: number[]; dict: ByteDictionary } {
	const dict = new ByteDictionary();
	const seen = new Map<string, number>();
	const codes: number[] = [];
	const reference: number[] = [];
	values.forEach((v, i) => {
		if (i === reserveAt) dict.reserve(expected, 8);
		const bytes = utf8.encode(`<${v}>`);
		codes.push(dict.code(bytes, 1, bytes.length - 1));
		if (!seen.has(v)) seen.set(v, seen.size);
		reference.push(seen.get(v)!);
	});
	return { codes, reference, dict };
}

describe('ByteDictionary', () => {
	it('numbers values in order of first appearance, sorted or not, whatever the table size', () => {
		fc.assert(
			fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3000 }), fc.integer({ min: -1, max: 3000 }), (values, reserveAt) => {
				const { codes, reference, dict } = codesOf(values, reserveAt, 4000);
				expect(codes).toEqual(reference);
				expect(dict.size).toBe(new Set(values).size);
			}),
			{ numRuns: 60 }
		);
	});

	it('tells apart byte strings around the 7 bytes a slot holds whole (zero bytes, high bytes, prefixes)', () => {
		// A tiny alphabet so values share prefixes and differ only in length or a trailing 0.
		const value = fc.uint8Array({ minLength: 0, maxLength: 12 }).map((a) => a.map((x) => [0, 1, 128, 255][x % 4]));
		fc.assert(
			fc.property(fc.array(value, { maxLength: 2000, size: 'max' }), (values) => {
				const dict = new ByteDictionary();
				const seen = new Map<string, number>();
				for (const v of values) {
					const padded = Uint8Array.of(9, ...v, 9);
					const key = v.join(',');
					if (!seen.has(key)) seen.set(key, seen.size);
					expect(dict.code(padded, 1, padded.length - 1)).toBe(seen.get(key));
				}
				expect(dict.size).toBe(seen.size);
				for (const [key, code] of seen) expect([...dict.bytes(code)].join(',')).toBe(key);
			}),
			{ numRuns: 60 }
		);
	});

	it('finds every value again after its table grew many times (short ZIP-like and longer values, no reserve)', () => {
		// Seeded shuffle: the order breaks at once, so the table is built small and rehashed as it fills.
		let seed = 7;
		const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
		const values = Array.from({ length: 6000 }, (_, i) => (i % 3 === 0 ? `comment ${i}` : String(i).padStart(5, '0')));
		for (let i = values.length - 1; i > 0; i--) {
			const j = Math.floor(random() * (i + 1));
			[values[i], values[j]] = [values[j], values[i]];
		}
		const { codes, reference, dict } = codesOf([...values, ...values]);
		expect(codes).toEqual(reference);
		expect(dict.size).toBe(values.length);
	});

	it('takes sorted values (an ID column) without a table, then finds them all once the order breaks', () => {
		const ids = Array.from({ length: 20_000 }, (_, i) => `C${String(i + 1).padStart(7, '0')}`);
		// A prefix sorts first, an equal value is not "after": both break the run.
		for (const tail of [['C0000005'], ['C'], ['C0000001'], ['C0020000'], ['C0020001', 'C0000001']]) {
			const { codes, reference, dict } = codesOf([...ids, ...tail], 100, 30_000);
			expect(codes).toEqual(reference);
			expect(dict.size).toBe(new Set([...ids, ...tail]).size);
		}
	});

	it('looks values up again after endLookups, and decodes them in code order', () => {
		const values = ['b', 'a', 'é', 'b', 'zz', 'a'];
		const { dict } = codesOf(values);
		dict.endLookups();
		const again = utf8.encode('zz');
		expect(dict.code(again, 0, again.length)).toBe(3);
		const reader = new TextReader('utf-8', () => {});
		expect(dict.values(reader)).toEqual(['b', 'a', 'é', 'zz']);
		const packed = dict.packed(reader)!;
		expect([0, 1, 2, 3].map((c) => packed.at(c))).toEqual(['b', 'a', 'é', 'zz']);
	});

	it('gives -1 for missing cells and never stores them, sorted or not', () => {
		const missing = new MissingTokens(['', 'NA']);
		for (const values of [['a', 'NA', 'b', '', ' NA ', 'c'], ['b', 'a', 'NA', 'b', '  ', 'a']]) {
			const dict = new ByteDictionary();
			const codes = values.map((v) => {
				const bytes = utf8.encode(v);
				return dict.code(bytes, 0, bytes.length, missing);
			});
			const kept = values.filter((v) => !['', 'NA'].includes(v.trim()));
			expect(codes.filter((c) => c < 0)).toHaveLength(values.length - kept.length);
			expect(dict.values(new TextReader('utf-8', () => {}))).toEqual([...new Set(kept)]);
		}
	});
});
