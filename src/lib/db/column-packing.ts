import type { ChunkRecord, ColumnPacking } from './schema';

/**
 * Table chunks store whole-number columns (ages, counts, ratings, yes/no, IDs) and category codes
 * in the narrowest of 8, 16 or 32 bits that holds them, instead of 8-byte floats and 4-byte codes:
 * on the import bench's file that is about half the bytes IndexedDB copies and writes. Readers
 * widen them back (`readColumn`), so a table in memory is always Float64 values and Int32 codes.
 */

const RANGES: readonly [ColumnPacking, number][] = [
	['i8', 127],
	['i16', 32767],
	['i32', 2147483647]
];

/** The missing-value marker of a packed numeric column: its type's lowest value. */
const SENTINEL: Record<ColumnPacking, number> = { i8: -128, i16: -32768, i32: -2147483648 };

const NARROW: Record<ColumnPacking, Int8ArrayConstructor | Int16ArrayConstructor | Int32ArrayConstructor> = { i8: Int8Array, i16: Int16Array, i32: Int32Array };

/**
 * The packing for `n` numeric values, or null when one is not a whole number (or is −0, which a
 * packed column would read back as 0) or lies beyond 32 bits.
 */
export function numericPacking(values: Float64Array, n: number): ColumnPacking | null {
	let low = 0;
	let high = 0;
	for (let i = 0; i < n; i++) {
		const v = values[i];
		if (v !== v) continue;
		if (v !== Math.trunc(v) || (v === 0 && 1 / v < 0)) return null;
		if (v < low) low = v;
		else if (v > high) high = v;
	}
	return fit(Math.max(-low, high));
}

/** The packing for `n` category codes (missing is negative, −1). */
export function codePacking(codes: Int32Array, n: number): ColumnPacking | null {
	let high = 0;
	let low = 0;
	for (let i = 0; i < n; i++) {
		const c = codes[i];
		if (c > high) high = c;
		else if (c < low) low = c;
	}
	const packing = fit(Math.max(high, -low));
	return packing === 'i32' ? null : packing;
}

// Numeric magnitudes up to the type's highest value: its lowest is the missing marker.
const fit = (magnitude: number): ColumnPacking | null => RANGES.find(([, max]) => magnitude <= max)?.[0] ?? null;

/** `n` values packed as `packing`, in a buffer of their own. */
export function packNumeric(values: Float64Array, n: number, packing: ColumnPacking): ArrayBuffer {
	const out = new NARROW[packing](n);
	const missing = SENTINEL[packing];
	for (let i = 0; i < n; i++) {
		const v = values[i];
		out[i] = v === v ? v : missing;
	}
	return out.buffer as ArrayBuffer;
}

export function packCodes(codes: Int32Array, n: number, packing: ColumnPacking): ArrayBuffer {
	const out = new NARROW[packing](n);
	out.set(codes.subarray(0, n));
	return out.buffer as ArrayBuffer;
}

/**
 * A table chunk's columns with every column that fits stored narrower; `kinds` says which are
 * numeric. Buffers that stay as they are are passed through (not copied).
 */
export function packChunk(columns: readonly ArrayBuffer[], kinds: readonly ('numeric' | 'categorical')[], rowCount: number): { columns: ArrayBuffer[]; packing: (ColumnPacking | null)[] } {
	const packing: (ColumnPacking | null)[] = [];
	const packed = columns.map((buffer, c) => {
		if (kinds[c] === 'numeric') {
			const values = new Float64Array(buffer, 0, rowCount);
			const p = numericPacking(values, rowCount);
			packing.push(p);
			return p ? packNumeric(values, rowCount, p) : buffer;
		}
		const codes = new Int32Array(buffer, 0, rowCount);
		const p = codePacking(codes, rowCount);
		packing.push(p);
		return p ? packCodes(codes, rowCount, p) : buffer;
	});
	return { columns: packed, packing };
}

/**
 * Column `c` of a chunk widened into `into` from `offset` (Float64 values for a numeric column,
 * Int32 codes for a categorical one), packed or not.
 */
export function readColumnInto(chunk: Pick<ChunkRecord, 'columns' | 'packing' | 'rowCount'>, c: number, into: Float64Array | Int32Array, offset: number): void {
	const packing = chunk.packing?.[c] ?? null;
	const n = chunk.rowCount;
	if (!packing) {
		into.set(into instanceof Float64Array ? new Float64Array(chunk.columns[c], 0, n) : new Int32Array(chunk.columns[c], 0, n), offset);
		return;
	}
	const narrow = new NARROW[packing](chunk.columns[c], 0, n);
	if (into instanceof Int32Array) {
		into.set(narrow, offset);
		return;
	}
	const missing = SENTINEL[packing];
	for (let i = 0; i < n; i++) {
		const v = narrow[i];
		into[offset + i] = v === missing ? NaN : v;
	}
}

/** Column `c` of a chunk as its own Float64Array or Int32Array. */
export function readColumn(chunk: Pick<ChunkRecord, 'columns' | 'packing' | 'rowCount'>, c: number, kind: 'numeric' | 'categorical'): Float64Array | Int32Array {
	const out = kind === 'numeric' ? new Float64Array(chunk.rowCount) : new Int32Array(chunk.rowCount);
	readColumnInto(chunk, c, out, 0);
	return out;
}

/** A chunk with every column widened back (for files that keep the wide layout, e.g. project bundles). */
export function unpackChunk<T extends ChunkRecord>(chunk: T, kinds: readonly ('numeric' | 'categorical')[]): T {
	if (!chunk.packing?.some((p) => p)) return chunk;
	const { packing: _, ...rest } = chunk;
	return { ...rest, columns: chunk.columns.map((_, c) => readColumn(chunk, c, kinds[c]).buffer as ArrayBuffer) } as T;
}
