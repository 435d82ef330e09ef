/**
 * IDX ("ubyte") files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed:
 * two zero bytes, a type byte, a dimension count, big-endian int32 dimensions, then the
 * big-endian values row-major.
 */
import { gunzipSync } from 'fflate';
import { KilnError } from '$shared/errors';
import type { ImageBatch } from './types';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
	type: IdxType;
	dims: number[];
	data: IdxData;
}

const TYPES: Record<number, { type: IdxType; bytes: number }> = {
	0x08: { type: 'uint8', bytes: 1 },
	0x09: { type: 'int8', bytes: 1 },
	0x0b: { type: 'int16', bytes: 2 },
	0x0c: { type: 'int32', bytes: 4 },
	0x0d: { type: 'float32', bytes: 4 },
	0x0e: { type: 'float64', bytes: 8 }
};

const fail = (name: string, message: string): never => {
	throw new KilnError('ImportError', `${name}: ${message}`);
};

/** True for gzip data (magic 1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
	return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function readIdx(input: Uint8Array | ArrayBuffer, name = 'the IDX file'): IdxArray {
	let bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
	if (isGzip(bytes)) {
		try {
			bytes = gunzipSync(bytes);
		} catch {
			fail(name, 'the gzip data is damaged or cut short; download the file again.');
		}
	}
	if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) fail(name, 'not an IDX file (it should start with two zero bytes, as MNIST-format "-ubyte" files do).');
	const kind = TYPES[bytes[2]] ?? fail(name, `unknown IDX value type 0x${bytes[2].toString(16)}.`);
	const rank = bytes[3];
	if (rank < 1 || rank > 8) fail(name, `an IDX file has 1 to 8 dimensions, this one says ${rank}.`);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const header = 4 + 4 * rank;
	if (bytes.length < header) fail(name, 'the header is cut short.');
	const dims = Array.from({ length: rank }, (_, i) => view.getInt32(4 + 4 * i, false));
	if (dims.some((d) => d < 0)) fail(name, `negative dimension in [${dims.join(', ')}].`);
	const count = dims.reduce((a, b) => a * b, 1);
	const expected = header + count * kind.bytes;
	if (bytes.length < expected) fail(name, `it should hold ${count} values (${dims.join('×')}) but is cut short after ${Math.floor((bytes.length - header) / kind.bytes)}.`);
	let data: IdxData;
	if (kind.type === 'uint8') data = bytes.slice(header, header + count);
	else if (kind.type === 'int8') data = new Int8Array(bytes.slice(header, header + count).buffer);
	else {
		const Typed = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[kind.type];
		const out = new Typed(count);
		const get = { int16: view.getInt16, int32: view.getInt32, float32: view.getFloat32, float64: view.getFloat64 }[kind.type].bind(view);
		for (let i = 0; i < count; i++) out[i] = get(header + i * kind.bytes, false);
		data = out;
	}
	return { type: kind.type, dims, data };
}

/**
 * An MNIST-style pair of files as a uint8 image batch and labels: images [n, h, w] (grayscale) or
 * [n, h, w, c], labels [n] with values 0–255.
 */
export function idxImages(images: IdxArray, labels?: IdxArray): { batch: ImageBatch; labels?: Int32Array } {
	if (images.type !== 'uint8') fail('images', `expected uint8 pixels, the file holds ${images.type} values.`);
	if (images.dims.length !== 3 && images.dims.length !== 4) fail('images', `expected [count, height, width] or [count, height, width, channels], got [${images.dims.join(', ')}].`);
	const [count, height, width, channels = 1] = images.dims;
	if (channels !== 1 && channels !== 3) fail('images', `expected 1 or 3 channels, got ${channels}.`);
	const batch: ImageBatch = { data: images.data as Uint8Array, count, shape: { height, width, channels } };
	if (!labels) return { batch };
	if (labels.dims.length !== 1) fail('labels', `expected one label per image ([count]), got [${labels.dims.join(', ')}].`);
	if (labels.dims[0] !== count) fail('labels', `there are ${labels.dims[0]} labels for ${count} images; pick the labels file that belongs to these images.`);
	return { batch, labels: Int32Array.from(labels.data as ArrayLike<number>) };
}
