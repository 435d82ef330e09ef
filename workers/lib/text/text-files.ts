/**
 * One `.txt` file's bytes → its text, decoded as the tabular import decodes a file (UTF-8 with or
 * without BOM, UTF-16 with a BOM or by its zero bytes, else Windows-1252), or the reason it is
 * not a text (empty, binary, too large). Pure: the data worker hands in the bytes.
 */
import { detectEncoding, windows1252 } from '$workers/lib/data/import/encoding';

/** A classifier reads the first few hundred words; a larger file is almost always not a sample. */
export const MAX_TEXT_FILE_BYTES = 1024 * 1024;
/** Control characters (other than tab, newlines, form feed) above this share mean binary. */
const MAX_CONTROL_SHARE = 0.05;

export type DecodedText = { text: string; encoding: string } | { skip: string };

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

export function tooLargeReason(bytes: number): string {
	return `${mb(bytes)}, over the ${mb(MAX_TEXT_FILE_BYTES)} a text file may hold here; shorten it or split it into several samples.`;
}

function controlShare(text: string): number {
	let control = 0;
	const n = Math.min(text.length, 64 * 1024);
	for (let i = 0; i < n; i++) {
		const c = text.charCodeAt(i);
		if ((c < 0x20 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 0xfffd) control++;
	}
	return n ? control / n : 0;
}

export function decodeTextFile(bytes: Uint8Array, maxBytes = MAX_TEXT_FILE_BYTES): DecodedText {
	if (bytes.length > maxBytes) return { skip: tooLargeReason(bytes.length) };
	if (bytes.length === 0) return { skip: 'empty file.' };
	const { encoding, bom } = detectEncoding(bytes, true);
	const body = bytes.subarray(bom);
	// A zero byte outside UTF-16 is the classic sign of a binary file (git and grep use it too).
	if (!encoding.startsWith('utf-16') && body.subarray(0, 8192).includes(0)) return { skip: 'a binary file, not text (it holds zero bytes).' };
	const text = encoding === 'windows-1252' ? windows1252.decode(body) : new TextDecoder(encoding, { ignoreBOM: true }).decode(body);
	if (controlShare(text) > MAX_CONTROL_SHARE) return { skip: 'a binary file, not text (too many control characters).' };
	const trimmed = text.trim();
	if (trimmed === '') return { skip: 'holds only white space.' };
	return { text: trimmed, encoding };
}
