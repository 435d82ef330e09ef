import { deflateSync } from 'fflate';
import type { ModelArtifacts, Preprocessing } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { describeModel, type WeightFormat } from './convert';
import { inflateCapped } from './inflate';
import { runtime } from './runtime';
import { TensorReader, TensorWriter, checkDemo, checkModel, checkPreprocessing, layerHeader, writeLayerTensors } from './share-schema';
import type { DemoConfig, SharePayload } from './types';
import { Checker } from './validate';
import type { TreesDescription } from './kinds';
import { checkTrees, treesHeader, writeTreesTensors } from './share-schema-trees';
import { checkPipeline } from './share-schema-pipeline';
import { checkFront, checkMediaPreprocessing, frontHeader, writeFrontTensors } from './share-media';
import { isLazy, LAZY_KINDS } from './kinds-lazy';
import { checkLazy, lazyHeader, writeLazyTensors } from './share-schema-lazy';

/**
 * 2: the header's model has a `kind` ('layers' when absent, as in format 1: 'trees', or 'image' /
 * 'text' with a `front` before the dense head) and may carry a `pipeline`.
 */
export const SHARE_FORMAT_VERSION = 2;

/**
 * Link limits (RECIPES.md §5): above ~32 KB a link stops fitting the address bar and most copy
 * paths; Firefox refuses URLs over 1 MiB, minus origin and path. A link decodes to at most
 * 4 MiB, which bounds memory whatever the compressed bytes claim.
 */
/** The one input of a text model's example rows. */
export const TEXT_INPUT = 'text';

export const SHARE_LIMITS = {
	softChars: 32 * 1024,
	hardChars: 1_000_000,
	/** What hardChars of base64url can carry. */
	maxCompressedBytes: 750_000,
	maxInflatedBytes: 4 * 1024 * 1024
} as const;

// "KLNS", then the format version, then the JSON header's byte length (uint32 LE).
const MAGIC = [0x4b, 0x4c, 0x4e, 0x53];
const PREAMBLE = 9;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

const linkError = (message: string): never => {
	throw new KilnError('ShareLinkError', message);
};

/** A share payload for a trained model: int8 per-channel kernels, the fitted preprocessing, the demo text. */
export function makeSharePayload(artifacts: ModelArtifacts, preprocessing: Preprocessing, demo: DemoConfig, weights: WeightFormat = 'int8'): SharePayload {
	return { formatVersion: SHARE_FORMAT_VERSION, model: describeModel(artifacts, weights), preprocessing, demo };
}

/** Payload → the uncompressed container: preamble, JSON header, tensor bytes. */
export function packPayload(payload: SharePayload): Uint8Array {
	const header = new TextEncoder().encode(
		JSON.stringify({
			preprocessing: payload.preprocessing,
			model: isTrees(payload.model)
				? treesHeader(payload.model)
				: isLazy(payload.model)
					? lazyHeader(payload.model)
					: { ...(payload.media ? { kind: payload.media.kind === 'image' ? 'image' : 'text', front: frontHeader(payload.media) } : {}), inputSize: payload.model.inputSize, outputSize: payload.model.outputSize, layers: payload.model.layers.map(layerHeader) },
			demo: payload.demo,
			...(payload.pipeline ? { pipeline: payload.pipeline } : {})
		})
	);
	const tensors = new TensorWriter();
	if (payload.media) writeFrontTensors(payload.media, tensors);
	if (isTrees(payload.model)) writeTreesTensors(payload.model, tensors);
	else if (isLazy(payload.model)) writeLazyTensors(payload.model, tensors);
	else payload.model.layers.forEach((l) => writeLayerTensors(l, tensors));
	const body = tensors.bytes();
	const out = new Uint8Array(PREAMBLE + header.length + body.length);
	out.set(MAGIC, 0);
	out[4] = SHARE_FORMAT_VERSION;
	new DataView(out.buffer).setUint32(5, header.length, true);
	out.set(header, PREAMBLE);
	out.set(body, PREAMBLE + header.length);
	return out;
}

/** The container → a checked payload; every problem is a ShareLinkError. */
export function unpackPayload(bytes: Uint8Array): SharePayload {
	if (bytes.length < PREAMBLE || MAGIC.some((b, i) => bytes[i] !== b)) linkError('This is not a Kiln share link (its contents do not start like one). Check that the whole link was copied.');
	const version = bytes[4];
	if (version > SHARE_FORMAT_VERSION) linkError(`This share link was made by a newer version of Kiln (format ${version}; this version reads format ${SHARE_FORMAT_VERSION}). Update Kiln and open it again.`);
	if (version < 1) linkError(`This share link has an unknown format version (${version}).`);
	const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(5, true);
	if (headerLength > bytes.length - PREAMBLE) linkError('This share link is cut off: its description is longer than the link. Copy the whole link again.');
	let header: unknown;
	try {
		header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength)));
	} catch {
		linkError('This share link is damaged: its model description is not valid JSON text.');
	}
	const c = new Checker('ShareLinkError', 'This share link is damaged or was not made by Kiln');
	const root = c.object(header, 'the link', ['preprocessing', 'model', 'demo'], version >= 2 ? ['pipeline'] : []);
	const media = version >= 2 ? unpackMedia(c, root, bytes.subarray(PREAMBLE + headerLength), version) : null;
	if (media) return media;
	const preprocessing = checkPreprocessing(c, root.preprocessing);
	const pipeline = root.pipeline === undefined ? undefined : checkPipeline(c, root.pipeline, preprocessing);
	const tensors = new TensorReader(bytes.subarray(PREAMBLE + headerLength), c);
	const kind = version >= 2 && typeof root.model === 'object' && root.model !== null && 'kind' in root.model ? c.oneOf((root.model as { kind: unknown }).kind, 'model.kind', ['layers', 'trees', ...LAZY_KINDS] as const) : 'layers';
	// With a pipeline, the model reads what the pipeline encodes, not the form fields.
	const encoded = pipeline ? { ...preprocessing, inputSize: pipeline.inputSize } : preprocessing;
	const model = kind === 'trees' ? checkTrees(c, root.model, preprocessing, encoded.inputSize, tensors) : kind === 'layers' ? checkModel(c, stripKind(root.model), encoded, tensors) : checkLazy(c, root.model, preprocessing, encoded.inputSize, tensors);
	const demo = checkDemo(c, root.demo, preprocessing);
	return { formatVersion: version, model, preprocessing, demo, ...(pipeline ? { pipeline } : {}) };
}

/** Image and text models (kind 'image' / 'text'): front tensors first, then the dense head's. */
function unpackMedia(c: Checker, root: Record<string, unknown>, bytes: Uint8Array, version: number): SharePayload | null {
	const m = root.model;
	const kind = typeof m === 'object' && m !== null && 'kind' in m ? (m as { kind: unknown }).kind : undefined;
	if (kind !== 'image' && kind !== 'text') return null;
	if (root.pipeline !== undefined) c.fail('pipeline', 'only applies to table models');
	const { front, ...dense } = c.object(m, 'model', ['kind', 'front', 'inputSize', 'outputSize', 'layers']);
	delete dense.kind;
	const tensors = new TensorReader(bytes, c);
	const media = checkFront(c, kind, front, tensors);
	const preprocessing = checkMediaPreprocessing(c, root.preprocessing, media);
	const model = checkModel(c, dense, preprocessing, tensors);
	return { formatVersion: version, model, preprocessing, demo: checkDemo(c, root.demo, preprocessing, 'demo', media.kind === 'image' ? [] : [TEXT_INPUT]), media };
}

function isTrees(model: SharePayload['model']): model is TreesDescription {
	return model.kind === 'trees';
}

/** A format-2 layers model says kind 'layers'; the format-1 checker knows no such field. */
function stripKind(model: unknown): unknown {
	if (typeof model !== 'object' || model === null || !('kind' in model)) return model;
	const { kind: _kind, ...rest } = model as Record<string, unknown>;
	return rest;
}

/** The URL fragment (without '#') carrying the payload: container → deflate → base64url. */
export function encodeShareLink(payload: SharePayload): string {
	const packed = packPayload(payload);
	if (packed.length > SHARE_LIMITS.maxInflatedBytes) {
		throw new KilnError('ShareLinkError', `This model needs ${packed.length.toLocaleString('en-US')} bytes before compression; a share link holds at most ${SHARE_LIMITS.maxInflatedBytes.toLocaleString('en-US')}. Download the standalone demo file instead.`);
	}
	// Checking our own output means a link Kiln hands out always opens again.
	unpackPayload(packed);
	return runtime.encodeBase64(deflateSync(packed, { level: 9 }), true);
}

/**
 * A pasted link, a '#fragment' or the bare code → the payload. Bounded in every dimension before
 * any allocation that depends on it; throws ShareLinkError with what went wrong.
 */
export function decodeShareLink(input: string): SharePayload {
	if (typeof input !== 'string') linkError('A share link must be text.');
	const hash = input.indexOf('#');
	const code = (hash >= 0 ? input.slice(hash + 1) : input).trim();
	if (code.length === 0) linkError('The share link is empty: there is nothing after "#". Copy the whole link again.');
	if (code.length > SHARE_LIMITS.hardChars) linkError(`This share link is ${code.length.toLocaleString('en-US')} characters long; Kiln opens links up to ${SHARE_LIMITS.hardChars.toLocaleString('en-US')}.`);
	if (!BASE64URL.test(code)) {
		const at = code.search(/[^A-Za-z0-9_-]/);
		linkError(`This share link has a character that Kiln links never contain ("${code[at]}" at position ${at + 1}). It may have been changed by the app it was sent through; copy it again.`);
	}
	if (code.length % 4 === 1) linkError('This share link is cut off (its length is impossible for a Kiln link). Copy the whole link again.');
	const compressed = runtime.decodeBase64(code);
	if (compressed.length > SHARE_LIMITS.maxCompressedBytes) linkError(`This share link carries ${compressed.length.toLocaleString('en-US')} bytes; Kiln opens links of up to ${SHARE_LIMITS.maxCompressedBytes.toLocaleString('en-US')}.`);
	const inflated = inflateCapped(compressed, SHARE_LIMITS.maxInflatedBytes);
	if (!inflated.ok) {
		linkError(
			inflated.reason === 'too-large'
				? `This share link expands to more than ${SHARE_LIMITS.maxInflatedBytes.toLocaleString('en-US')} bytes, which no Kiln link does; it was not opened.`
				: 'This share link is damaged or cut off (its compressed data is invalid). Copy the whole link again.'
		);
	}
	return unpackPayload((inflated as { bytes: Uint8Array }).bytes);
}
