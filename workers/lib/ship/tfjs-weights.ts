import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import type { QuantizedArtifacts, QuantizedWeightSpec, TfjsStorageDtype } from './types';

/**
 * Reading and writing the weight buffer of tfjs artifacts without a backend: one entry per
 * weight spec, in manifest order, decoded to numbers (dequantised when stored quantised, exactly
 * as tf.io.decodeWeights does it).
 */

export interface WeightEntry {
	name: string;
	shape: number[];
	dtype: 'float32' | 'int32';
	values: Float32Array | Int32Array;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2, bool: 1 };

function specBytes(spec: QuantizedWeightSpec): number {
	const count = spec.shape.reduce((a, b) => a * b, 1);
	return count * BYTES[spec.quantization?.dtype ?? spec.dtype];
}

/** Every weight of the artifacts as a typed array. */
export function readWeights(artifacts: ModelArtifacts): WeightEntry[] {
	const specs = artifacts.weightSpecs as QuantizedWeightSpec[];
	const total = specs.reduce((n, s) => n + specBytes(s), 0);
	if (total !== artifacts.weightData.byteLength) {
		throw new KilnError('ModelFormatError', `The weight manifest describes ${total} bytes but the weight file has ${artifacts.weightData.byteLength}.`);
	}
	let offset = 0;
	return specs.map((spec) => {
		const size = specBytes(spec);
		const bytes = artifacts.weightData.slice(offset, offset + size);
		offset += size;
		if (spec.dtype !== 'float32' && spec.dtype !== 'int32') throw new KilnError('ModelFormatError', `Weight "${spec.name}" has dtype ${spec.dtype}; only float32 and int32 are supported.`);
		const q = spec.quantization;
		let values: Float32Array | Int32Array;
		if (!q) values = spec.dtype === 'float32' ? new Float32Array(bytes) : new Int32Array(bytes);
		else if (q.dtype === 'float16') values = Float32Array.from(new Uint16Array(bytes), fromFloat16);
		else {
			const raw = q.dtype === 'uint8' ? new Uint8Array(bytes) : new Uint16Array(bytes);
			const scale = q.scale ?? 1;
			const min = q.min ?? 0;
			values = spec.dtype === 'float32' ? Float32Array.from(raw, (v) => v * scale + min) : Int32Array.from(raw, (v) => Math.round(v * scale + min));
		}
		return { name: spec.name, shape: spec.shape.slice(), dtype: spec.dtype, values };
	});
}

/** Plain float32/int32 artifacts from entries (same topology). */
export function writeWeights(artifacts: ModelArtifacts, entries: WeightEntry[]): ModelArtifacts {
	const total = entries.reduce((n, e) => n + e.values.length * 4, 0);
	const data = new Uint8Array(total);
	let offset = 0;
	for (const e of entries) {
		data.set(new Uint8Array(e.values.buffer, e.values.byteOffset, e.values.byteLength), offset);
		offset += e.values.byteLength;
	}
	return { modelTopology: artifacts.modelTopology, weightSpecs: entries.map(({ name, shape, dtype }) => ({ name, shape: shape.slice(), dtype })), weightData: data.buffer };
}

/**
 * tfjs-converter's uint8/uint16 scheme: affine over [min, max], with min nudged so that 0 is
 * exactly representable whenever the range covers it (pruned zeros stay zero after loading).
 */
export function affineQuantize(values: Float32Array, dtype: 'uint8' | 'uint16'): { data: Uint8Array | Uint16Array; scale: number; min: number } {
	const levels = dtype === 'uint8' ? 255 : 65535;
	let min = Infinity;
	let max = -Infinity;
	for (const v of values) {
		if (v < min) min = v;
		if (v > max) max = v;
	}
	const data = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
	if (!(max > min)) return { data, scale: 1, min: Number.isFinite(min) ? min : 0 };
	const scale = (max - min) / levels;
	if (min <= 0 && 0 <= max) {
		const zeroPoint = Math.round(-min / scale);
		min = -zeroPoint * scale;
		max = levels * scale + min;
	}
	for (let i = 0; i < values.length; i++) data[i] = Math.round((Math.min(Math.max(values[i], min), max) - min) / scale);
	return { data, scale, min };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half-precision bits of a float, rounded to nearest even. */
export function toFloat16(value: number): number {
	f32[0] = value;
	const x = u32[0];
	const sign = (x >>> 16) & 0x8000;
	const exponent = (x >>> 23) & 0xff;
	let mantissa = x & 0x7fffff;
	if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
	const e = exponent - 127 + 15;
	if (e >= 0x1f) return sign | 0x7c00;
	if (e <= 0) {
		if (e < -10) return sign;
		mantissa |= 0x800000;
		const shift = 14 - e;
		let half = mantissa >>> shift;
		const rest = mantissa & ((1 << shift) - 1);
		const midpoint = 1 << (shift - 1);
		if (rest > midpoint || (rest === midpoint && half & 1)) half++;
		return sign | half;
	}
	// A carry out of the mantissa bumps the exponent, which is the right result.
	let half = (e << 10) | (mantissa >>> 13);
	const rest = mantissa & 0x1fff;
	if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
	return sign | half;
}

export function fromFloat16(bits: number): number {
	const sign = bits & 0x8000 ? -1 : 1;
	const exponent = (bits >>> 10) & 0x1f;
	const mantissa = bits & 0x3ff;
	if (exponent === 0) return sign * mantissa * 2 ** -24;
	if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
	return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Quantised copy of float32 weights in tfjs's storage format; int32 weights stay as they are. */
export function packQuantized(artifacts: ModelArtifacts, entries: WeightEntry[], dtype: TfjsStorageDtype, include: (entry: WeightEntry) => boolean): QuantizedArtifacts {
	const parts: Uint8Array[] = [];
	const specs: QuantizedWeightSpec[] = entries.map((e) => {
		const spec = { name: e.name, shape: e.shape.slice(), dtype: e.dtype };
		if (e.dtype !== 'float32' || !include(e)) {
			parts.push(new Uint8Array(e.values.buffer.slice(e.values.byteOffset, e.values.byteOffset + e.values.byteLength)));
			return spec;
		}
		if (dtype === 'float16') {
			const bits = Uint16Array.from(e.values, toFloat16);
			parts.push(new Uint8Array(bits.buffer));
			return { ...spec, quantization: { dtype } };
		}
		const q = affineQuantize(e.values as Float32Array, dtype);
		parts.push(new Uint8Array(q.data.buffer));
		return { ...spec, quantization: { dtype, scale: q.scale, min: q.min } };
	});
	const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let offset = 0;
	for (const p of parts) {
		data.set(p, offset);
		offset += p.length;
	}
	return { modelTopology: artifacts.modelTopology, weightSpecs: specs, weightData: data.buffer };
}
