/**
 * Kiln's shipped image sets (static/datasets/images/*.kimg.gz): a small header, the labels, then
 * the uint8 NHWC pixels, gzip-compressed as a whole. Little-endian:
 *
 *   0  "KIMG"            4  u8 version (1)   5  u8 channels   6  u16 height   8  u16 width
 *   10 u32 count         14 u32 meta length  18 meta (UTF-8 JSON: name, classes, trainCount, …)
 *   then count label bytes, then count·height·width·channels pixel bytes.
 *
 * The first `trainCount` rows are the training split, the next `testCount` the test split.
 * scripts/datasets/build-image-sets.py writes these files.
 */
import { gunzipSync } from 'fflate';
import { KilnError } from '$shared/errors';
import { isGzip } from './idx';
import type { ImageShape } from './types';

export interface ImageSetMeta {
	name: string;
	classes: string[];
	trainCount: number;
	testCount: number;
	source?: string;
	license?: string;
}

export interface ImageSet extends ImageSetMeta {
	shape: ImageShape;
	count: number;
	labels: Uint8Array;
	images: Uint8Array;
}

const MAGIC = [0x4b, 0x49, 0x4d, 0x47];
const HEADER = 18;

export function readImageSet(input: Uint8Array | ArrayBuffer, fileName = 'the image set'): ImageSet {
	const fail = (message: string): never => {
		throw new KilnError('ImportError', `${fileName}: ${message}`);
	};
	let bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
	if (isGzip(bytes)) {
		try {
			bytes = gunzipSync(bytes);
		} catch {
			fail('the gzip data is damaged or cut short.');
		}
	}
	if (bytes.length < HEADER || MAGIC.some((m, i) => bytes[i] !== m)) fail('not a Kiln image set (it should start with "KIMG").');
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (bytes[4] !== 1) fail(`version ${bytes[4]} is newer than this Kiln understands (1).`);
	const shape: ImageShape = { channels: bytes[5], height: view.getUint16(6, true), width: view.getUint16(8, true) };
	const count = view.getUint32(10, true);
	const metaLength = view.getUint32(14, true);
	const pixels = shape.height * shape.width * shape.channels;
	const labelsAt = HEADER + metaLength;
	const imagesAt = labelsAt + count;
	if (bytes.length < imagesAt + count * pixels) fail(`it should hold ${count} images of ${shape.height}×${shape.width}×${shape.channels} but is cut short.`);
	let meta: ImageSetMeta;
	try {
		meta = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER, labelsAt)));
	} catch {
		return fail('its description (JSON) is damaged.');
	}
	if (!Array.isArray(meta.classes) || meta.classes.length < 1) fail('its description lists no classes.');
	if (!(meta.trainCount + meta.testCount === count)) fail(`its splits (${meta.trainCount} + ${meta.testCount}) do not add up to its ${count} images.`);
	const labels = bytes.slice(labelsAt, imagesAt);
	const bad = labels.findIndex((l) => l >= meta.classes.length);
	if (bad >= 0) fail(`image ${bad} has label ${labels[bad]}, but there are only ${meta.classes.length} classes.`);
	return { ...meta, shape, count, labels, images: bytes.slice(imagesAt, imagesAt + count * pixels) };
}

/** The uncompressed file for `set` (gzip it to ship). */
export function writeImageSet(set: ImageSet): Uint8Array {
	const meta: ImageSetMeta = { name: set.name, classes: set.classes, trainCount: set.trainCount, testCount: set.testCount, source: set.source, license: set.license };
	const json = new TextEncoder().encode(JSON.stringify(meta));
	const out = new Uint8Array(HEADER + json.length + set.count + set.images.length);
	const view = new DataView(out.buffer);
	out.set(MAGIC, 0);
	out[4] = 1;
	out[5] = set.shape.channels;
	view.setUint16(6, set.shape.height, true);
	view.setUint16(8, set.shape.width, true);
	view.setUint32(10, set.count, true);
	view.setUint32(14, json.length, true);
	out.set(json, HEADER);
	out.set(set.labels, HEADER + json.length);
	out.set(set.images, HEADER + json.length + set.count);
	return out;
}
