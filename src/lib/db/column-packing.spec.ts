import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { codePacking, numericPacking, packChunk, readColumn, unpackChunk } from './column-packing';
import { chunksToTable, tableToChunks } from './columnar';

const f64 = (...v: number[]) => Float64Array.from(v);
const roundTrip = (values: Float64Array) => {
	const packed = packChunk([values.slice().buffer], ['numeric'], values.length);
	return { packing: packed.packing[0], back: readColumn({ ...packed, rowCount: values.length }, 0, 'numeric') as Float64Array, bytes: packed.columns[0].byteLength };
};

describe('column packing', () => {
	it('stores whole numbers in the narrowest type that holds them, missing as its lowest value', () => {
		expect(numericPacking(f64(0, 1, -127, 127, NaN), 5)).toBe('i8');
		expect(numericPacking(f64(-128), 1)).toBe('i16');
		expect(numericPacking(f64(32767, -32767), 2)).toBe('i16');
		expect(numericPacking(f64(32768), 1)).toBe('i32');
		expect(numericPacking(f64(2147483647, -2147483647), 2)).toBe('i32');
		expect(numericPacking(f64(2147483648), 1)).toBeNull();
		expect(numericPacking(f64(1, 2.5), 2)).toBeNull();
		expect(numericPacking(f64(-0), 1)).toBeNull();
		expect(numericPacking(f64(Infinity), 1)).toBeNull();
		expect(numericPacking(f64(NaN, NaN), 2)).toBe('i8');
		const { packing, back, bytes } = roundTrip(f64(3, NaN, -7, 120));
		expect(packing).toBe('i8');
		expect(bytes).toBe(4);
		expect(Array.from(back)).toEqual([3, NaN, -7, 120]);
	});

	it('packs category codes (−1 missing) in 8 or 16 bits and leaves wider ones as they are', () => {
		expect(codePacking(Int32Array.of(-1, 0, 127), 3)).toBe('i8');
		expect(codePacking(Int32Array.of(128), 1)).toBe('i16');
		expect(codePacking(Int32Array.of(40000), 1)).toBeNull();
		const codes = Int32Array.of(5, -1, 300, 0);
		const packed = packChunk([codes.buffer], ['categorical'], 4);
		expect(packed.packing).toEqual(['i16']);
		expect(Array.from(readColumn({ ...packed, rowCount: 4 }, 0, 'categorical'))).toEqual([5, -1, 300, 0]);
	});

	it('gives back every value exactly (NaN, −0, fractions, huge numbers) whatever the packing', () => {
		fc.assert(
			fc.property(fc.array(fc.oneof(fc.double(), fc.integer({ min: -200, max: 200 }).map(Number), fc.constant(NaN)), { maxLength: 60 }), (list) => {
				const values = Float64Array.from(list);
				const { back } = roundTrip(values);
				expect(back.length).toBe(values.length);
				for (let i = 0; i < values.length; i++) expect(Object.is(back[i], values[i])).toBe(true);
			})
		);
	});

	it('reads a table back through chunks of mixed packings, and widens chunks for files that keep the wide layout', () => {
		const table = {
			rowCount: 5,
			columns: [
				{ name: 'age', kind: 'numeric' as const, values: f64(30, NaN, 41, 18, 99) },
				{ name: 'income', kind: 'numeric' as const, values: f64(1.5, 2, 3, 4, 5) },
				{ name: 'city', kind: 'categorical' as const, categories: ['a', 'b'], codes: Int32Array.of(0, 1, -1, 1, 0) }
			]
		};
		const chunks = tableToChunks('d', table, 2);
		// The second chunk's income column is all whole numbers, the first's is not.
		expect(chunks.map((c) => c.packing)).toEqual([['i8', null, 'i8'], ['i8', 'i8', 'i8'], ['i8', 'i8', 'i8']]);
		const back = chunksToTable([{ name: 'age', kind: 'numeric' }, { name: 'income', kind: 'numeric' }, { name: 'city', kind: 'categorical', categories: ['a', 'b'] }], [chunks[2], chunks[0], chunks[1]]);
		expect(back).toEqual(table);
		const wide = unpackChunk(chunks[1], ['numeric', 'numeric', 'categorical']);
		expect(wide.packing).toBeUndefined();
		expect(Array.from(new Float64Array(wide.columns[1]))).toEqual([3, 4]);
		expect(Array.from(new Int32Array(wide.columns[2]))).toEqual([-1, 1]);
	});
});
