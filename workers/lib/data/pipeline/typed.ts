/**
 * Per-row maps as plain loops. `Float64Array.from(values, fn)` goes through the iterator
 * protocol and measured ~1 s per million rows in V8; these loops take milliseconds.
 */
export function mapToFloat64(source: ArrayLike<number>, fn: (v: number, i: number) => number): Float64Array {
	const out = new Float64Array(source.length);
	for (let i = 0; i < source.length; i++) out[i] = fn(source[i], i);
	return out;
}

export function mapToInt32(source: ArrayLike<number>, fn: (v: number, i: number) => number): Int32Array {
	const out = new Int32Array(source.length);
	for (let i = 0; i < source.length; i++) out[i] = fn(source[i], i);
	return out;
}

export function mapToInt8(source: ArrayLike<number>, fn: (v: number, i: number) => number): Int8Array {
	const out = new Int8Array(source.length);
	for (let i = 0; i < source.length; i++) out[i] = fn(source[i], i);
	return out;
}

/** 0, 1, …, n − 1 */
export function range(n: number): Int32Array {
	const out = new Int32Array(n);
	for (let i = 0; i < n; i++) out[i] = i;
	return out;
}
