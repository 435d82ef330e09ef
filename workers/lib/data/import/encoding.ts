import { KilnError } from '$shared/errors';

/**
 * Encodings. UTF-8 and windows-1252 stay bytes all the way (their delimiters, quotes and
 * newlines are ASCII) and text is decoded only for dictionary entries and names. Anything else
 * (UTF-16, an override such as shift_jis) is turned into UTF-8 bytes first with a streaming
 * TextDecoder, so the parsers only ever see ASCII-compatible bytes.
 */
export interface DetectedEncoding {
	encoding: string;
	/** Bytes of byte-order mark to skip. */
	bom: number;
}

/** How many leading bytes decide between UTF-8 and windows-1252. */
export const ENCODING_SAMPLE = 64 * 1024;

/** Is `b` valid UTF-8? A sequence cut off at the end counts as valid unless `complete`. */
export function isValidUtf8(b: Uint8Array, complete: boolean): boolean {
	const n = b.length;
	let i = 0;
	while (i < n) {
		const c = b[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		let need: number;
		let min: number;
		if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0x80];
		else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
		else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
		else return false;
		if (i + need >= n) return !complete;
		let cp = c & (0x3f >> need);
		for (let k = 1; k <= need; k++) {
			const cc = b[i + k];
			if ((cc & 0xc0) !== 0x80) return false;
			cp = (cp << 6) | (cc & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
		i += need + 1;
	}
	return true;
}

/** UTF-16 without a BOM shows as a zero byte beside most ASCII characters. */
function utf16Guess(b: Uint8Array): string | null {
	const n = Math.min(b.length, 4096) & ~1;
	if (n < 8) return null;
	let evenZero = 0;
	let oddZero = 0;
	for (let i = 0; i < n; i += 2) {
		if (b[i] === 0 && b[i + 1] !== 0) evenZero++;
		if (b[i + 1] === 0 && b[i] !== 0) oddZero++;
	}
	const pairs = n / 2;
	if (oddZero / pairs > 0.6) return 'utf-16le';
	if (evenZero / pairs > 0.6) return 'utf-16be';
	return null;
}

export function detectEncoding(head: Uint8Array, complete: boolean, override?: string): DetectedEncoding {
	const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
	if (override) {
		let label: string;
		try {
			label = new TextDecoder(override).encoding;
		} catch {
			throw new KilnError('ImportError', `"${override}" is not a text encoding this browser knows. Try utf-8, windows-1252 or utf-16le.`);
		}
		const skip = label === 'utf-8' ? bom : label.startsWith('utf-16') && hasUtf16Bom(head, label) ? 2 : 0;
		return { encoding: label, bom: skip };
	}
	if (bom) return { encoding: 'utf-8', bom };
	if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
	if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
	const sixteen = utf16Guess(head);
	if (sixteen) return { encoding: sixteen, bom: 0 };
	const sample = head.subarray(0, ENCODING_SAMPLE);
	return { encoding: isValidUtf8(sample, complete && head.length <= ENCODING_SAMPLE) ? 'utf-8' : 'windows-1252', bom: 0 };
}

function hasUtf16Bom(head: Uint8Array, label: string): boolean {
	return label === 'utf-16le' ? head[0] === 0xff && head[1] === 0xfe : head[0] === 0xfe && head[1] === 0xff;
}

/** Whether the parsers can read this encoding's bytes directly. */
export function isByteCompatible(encoding: string): boolean {
	return encoding === 'utf-8' || encoding === 'windows-1252';
}

/** Bytes in an ASCII-compatible encoding: the input itself, or re-encoded to UTF-8. */
export async function* normalizeEncoding(input: AsyncIterable<Uint8Array>, detected: DetectedEncoding): AsyncGenerator<Uint8Array> {
	let skip = detected.bom;
	if (isByteCompatible(detected.encoding)) {
		for await (const slice of input) {
			if (skip > 0) {
				const cut = Math.min(skip, slice.length);
				skip -= cut;
				if (cut === slice.length) continue;
				yield slice.subarray(cut);
			} else yield slice;
		}
		return;
	}
	const decoder = new TextDecoder(detected.encoding, { ignoreBOM: true });
	const encoder = new TextEncoder();
	for await (const slice of input) {
		let part = slice;
		if (skip > 0) {
			const cut = Math.min(skip, part.length);
			skip -= cut;
			part = part.subarray(cut);
		}
		const text = decoder.decode(part, { stream: true });
		if (text.length > 0) yield encoder.encode(text);
	}
	const rest = decoder.decode();
	if (rest.length > 0) yield encoder.encode(rest);
}

/**
 * Turns bytes into text in the file's encoding. `text` decodes one value; for UTF-8 files whose
 * later bytes are not valid UTF-8 (the first 64 KB looked fine), such a value is read as
 * windows-1252 and `onInvalid` is told. `all` decodes a whole buffer strictly (null if invalid),
 * which lets a dictionary make one string and slice it instead of a call per value.
 */
export class TextReader {
	private readonly strict: { decode(bytes: Uint8Array): string };
	private readonly fallback = windows1252;
	readonly singleByte: boolean;

	constructor(
		encoding: string,
		private readonly onInvalid: () => void
	) {
		this.singleByte = encoding === 'windows-1252';
		this.strict = this.singleByte ? windows1252 : new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
	}

	text = (bytes: Uint8Array): string => {
		if (bytes.length <= 64 && isAscii(bytes)) return String.fromCharCode.apply(null, bytes as unknown as number[]);
		if (this.singleByte) return this.fallback.decode(bytes);
		try {
			return this.strict.decode(bytes);
		} catch {
			this.onInvalid();
			return this.fallback.decode(bytes);
		}
	};

	all(bytes: Uint8Array): string | null {
		try {
			return this.strict.decode(bytes);
		} catch {
			return null;
		}
	}
}

/**
 * windows-1252. Browsers' TextDecoder maps 0x80–0x9F to € ‚ ƒ „ … as the standard says; Node's
 * (ICU-less fast path) gives the C1 controls U+0080–U+009F instead, so those are mapped here.
 */
const C1 = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const latinDecoder = new TextDecoder('windows-1252');
export function fixC1(text: string): string {
	return /[\x80-\x9f]/.test(text) ? text.replace(/[\x80-\x9f]/g, (c) => C1[c.charCodeAt(0) - 0x80]) : text;
}
export const windows1252 = {
	decode: (bytes: Uint8Array): string => fixC1(latinDecoder.decode(bytes))
};

/** Short ASCII values skip TextDecoder's per-call cost, which dominates for one short cell. */
function isAscii(bytes: Uint8Array): boolean {
	for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return false;
	return true;
}
