/** float32 → IEEE half bits (round half up; overflow to ±Inf), for tfjs's float16 weight quantization. */
export function toFloat16(values: Float32Array): Uint16Array {
	const f32 = new Float32Array(1);
	const u32 = new Uint32Array(f32.buffer);
	const out = new Uint16Array(values.length);
	for (let i = 0; i < values.length; i++) {
		f32[0] = values[i];
		const x = u32[0];
		const sign = (x >>> 16) & 0x8000;
		let exp = ((x >>> 23) & 0xff) - 127 + 15;
		let mant = x & 0x7fffff;
		if (exp >= 31) {
			out[i] = sign | 0x7c00;
			continue;
		}
		if (exp <= 0) {
			if (exp < -10) {
				out[i] = sign;
				continue;
			}
			mant = (mant | 0x800000) >> (1 - exp);
			out[i] = sign | ((mant + 0x1000) >> 13);
			continue;
		}
		mant += 0x1000;
		if (mant & 0x800000) {
			mant = 0;
			exp++;
			if (exp >= 31) {
				out[i] = sign | 0x7c00;
				continue;
			}
		}
		out[i] = sign | (exp << 10) | (mant >> 13);
	}
	return out;
}
