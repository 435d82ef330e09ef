import { describe, expect, it } from 'vitest';
import { decodeTextFile, MAX_TEXT_FILE_BYTES } from './text-files';

const utf8 = (s: string) => new TextEncoder().encode(s);
function utf16(s: string, littleEndian: boolean, bom = true): Uint8Array {
	const out = new Uint8Array((s.length + (bom ? 1 : 0)) * 2);
	const view = new DataView(out.buffer);
	let at = 0;
	if (bom) (view.setUint16(0, 0xfeff, littleEndian), (at = 2));
	for (let i = 0; i < s.length; i++, at += 2) view.setUint16(at, s.charCodeAt(i), littleEndian);
	return out;
}
const sentence = 'Un café très crémeux à Zürich — “parfait”.';

describe('text file decoding', () => {
	it('reads UTF-8 with and without a BOM, and UTF-16 by its BOM', () => {
		expect(decodeTextFile(utf8(sentence))).toEqual({ text: sentence, encoding: 'utf-8' });
		expect(decodeTextFile(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(sentence)]))).toEqual({ text: sentence, encoding: 'utf-8' });
		expect(decodeTextFile(utf16(sentence, true))).toEqual({ text: sentence, encoding: 'utf-16le' });
		expect(decodeTextFile(utf16(sentence, false))).toEqual({ text: sentence, encoding: 'utf-16be' });
	});

	it('reads Windows-1252 (curly quotes, euro, accents) when the bytes are not UTF-8', () => {
		// "“Café” costs €5" in windows-1252: 0x93 0x94 are the curly quotes, 0x80 the euro, 0xe9 é.
		const bytes = new Uint8Array([0x93, 0x43, 0x61, 0x66, 0xe9, 0x94, 0x20, 0x63, 0x6f, 0x73, 0x74, 0x73, 0x20, 0x80, 0x35]);
		expect(decodeTextFile(bytes)).toEqual({ text: '“Café” costs €5', encoding: 'windows-1252' });
	});

	it('skips empty, white-space, binary and oversized files with the reason', () => {
		expect(decodeTextFile(new Uint8Array())).toEqual({ skip: 'empty file.' });
		expect(decodeTextFile(utf8(' \n\t \r\n'))).toEqual({ skip: 'holds only white space.' });
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
		expect(decodeTextFile(png)).toEqual({ skip: expect.stringMatching(/binary file.*zero bytes/) });
		const controls = Uint8Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41));
		expect(decodeTextFile(controls)).toEqual({ skip: expect.stringMatching(/binary file.*control characters/) });
		const big = new Uint8Array(MAX_TEXT_FILE_BYTES + 1).fill(0x61);
		expect(decodeTextFile(big)).toEqual({ skip: expect.stringMatching(/^1\.0 MB, over the 1\.0 MB/) });
		expect(decodeTextFile(utf8('ok text'), 4)).toEqual({ skip: expect.stringMatching(/over the/) });
	});

	it('never throws on arbitrary bytes', () => {
		let seed = 7;
		const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
		for (let n = 0; n < 200; n++) {
			const bytes = Uint8Array.from({ length: n * 3 }, next);
			const out = decodeTextFile(bytes);
			expect('text' in out ? out.text.length > 0 : out.skip.length > 0).toBe(true);
		}
	});
});
