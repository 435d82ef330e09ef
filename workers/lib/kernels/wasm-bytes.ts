/**
 * Byte helpers for the small WebAssembly modules Kiln builds in code (adam-simd, gemm-module,
 * head-gemm-simd): each module's bytes are written here rather than shipped as a file.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** Unsigned LEB128, the variable-length integer WebAssembly uses for sizes and indices. */
export function uleb(value: number): number[] {
	const out: number[] = [];
	do {
		let byte = value & 0x7f;
		value >>>= 7;
		if (value !== 0) byte |= 0x80;
		out.push(byte);
	} while (value !== 0);
	return out;
}

/** Signed LEB128, for i32.const immediates. */
export function sleb(value: number): number[] {
	const out: number[] = [];
	for (;;) {
		const byte = value & 0x7f;
		value >>= 7;
		if ((value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40)) return [...out, byte];
		out.push(byte | 0x80);
	}
}

export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const name = (text: string): number[] => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
