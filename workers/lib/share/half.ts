import { KilnError } from '$shared/errors';
import { fromFloat16, toFloat16 } from '$workers/lib/ship/tfjs-weights';

export { fromFloat16, toFloat16 };

/**
 * Weights rounded to the nearest float16 (ties to even, as tfjs's float16 storage and Kiln's
 * float16 ONNX do), kept as float32 numbers: every float16 is exact in float32, so a link's
 * float16 tensor is these values, stored in half the bytes. A weight beyond ±65,504 has no
 * float16 and is refused rather than turned into infinity.
 */
export function roundToFloat16(values: Float32Array): Float32Array {
	const out = new Float32Array(values.length);
	for (let i = 0; i < values.length; i++) {
		const bits = toFloat16(values[i]);
		if ((bits & 0x7c00) === 0x7c00) throw new KilnError('ExportError', `A weight (${values[i]}) is too large for float16 (largest ±65,504); share this model with int8 or float32 weights.`);
		out[i] = fromFloat16(bits);
	}
	return out;
}
