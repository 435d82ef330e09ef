import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectEncoding, isValidUtf8 } from './encoding';
import { load, rowsOf } from './import.spec-support';

const text = 'name,city\ncafé,Zürich\nnaïve,Kraków\n';
const expected = [
	['café', 'Zürich'],
	['naïve', 'Kraków']
];

function utf16(s: string, littleEndian: boolean, bom = true): Uint8Array {
	const out = new Uint8Array((s.length + (bom ? 1 : 0)) * 2);
	const view = new DataView(out.buffer);
	let at = 0;
	if (bom) {
		view.setUint16(0, 0xfeff, littleEndian);
		at = 2;
	}
	for (let i = 0; i < s.length; i++, at += 2) view.setUint16(at, s.charCodeAt(i), littleEndian);
	return out;
}

/** windows-1252 bytes of text that only uses Latin-1 letters. */
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('encodings', () => {
	it('reads UTF-8 with and without a BOM', async () => {
		for (const prefix of ['', '\uFEFF']) {
			const { table, end } = await load(prefix + text);
			expect(end.format.encoding).toBe('utf-8');
			expect(table.columns[0].name).toBe('name');
			expect(rowsOf(table)).toEqual(expected);
		}
	});

	it('reads UTF-16 LE and BE with a BOM, and LE without one, split at odd bytes', async () => {
		for (const [bytes, encoding] of [
			[utf16(text, true), 'utf-16le'],
			[utf16(text, false), 'utf-16be'],
			[utf16(text, true, false), 'utf-16le']
		] as const) {
			const cuts = Array.from({ length: 20 }, (_, i) => i * 3 + 1);
			const { table, end } = await load(bytes, 'x.csv', {}, cuts);
			expect(end.format.encoding).toBe(encoding);
			expect(table.columns.map((c) => c.name)).toEqual(['name', 'city']);
			expect(rowsOf(table)).toEqual(expected);
		}
	});

	it('reads windows-1252 "café" as café, not mojibake, and € from byte 0x80', async () => {
		const bytes = latin1('item,price\ncafé,2\ncrème brûlée,5\n');
		const withEuro = new Uint8Array([...bytes, ...latin1('cost '), 0x80, ...latin1(',3\n')]);
		const { table, end } = await load(withEuro);
		expect(end.format.encoding).toBe('windows-1252');
		expect(rowsOf(table).map((r) => r[0])).toEqual(['café', 'crème brûlée', 'cost €']);
	});

	it('a UTF-8 file with a stray windows-1252 byte after the first 64 KB keeps both right and warns', async () => {
		const filler = Array.from({ length: 8000 }, (_, i) => `Zoë ${i % 50},${i}`).join('\n');
		const bytes = new Uint8Array([...new TextEncoder().encode(`name,n\n${filler}\n`), ...latin1('caf'), 0xe9, ...latin1(',1\n')]);
		const { table, end } = await load(bytes, 'mixed.csv');
		expect(end.format.encoding).toBe('utf-8');
		const names = rowsOf(table).map((r) => r[0]);
		expect(names[0]).toBe('Zoë 0');
		expect(names[names.length - 1]).toBe('café');
		expect(end.warnings.some((w) => w.kind === 'invalid-encoding')).toBe(true);
	});

	it('takes an encoding override (a file that is really Shift-JIS is decoded as such)', async () => {
		// "名前,値\n東京,1\n" in Shift-JIS.
		const sjis = new Uint8Array([0x96, 0xbc, 0x91, 0x4f, 0x2c, 0x92, 0x6c, 0x0a, 0x93, 0x8c, 0x8b, 0x9e, 0x2c, 0x31, 0x0a]);
		const { table } = await load(sjis, 'x.csv', { encoding: 'shift_jis' });
		expect(table.columns.map((c) => c.name)).toEqual(['名前', '値']);
		expect(rowsOf(table)).toEqual([['東京', '1']]);
		const wrong = await load(sjis, 'x.csv');
		expect(wrong.end.format.encoding).toBe('windows-1252');
	});

	it('validates UTF-8 like TextDecoder does, allowing a sequence cut at the end', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
				let valid = true;
				try {
					new TextDecoder('utf-8', { fatal: true }).decode(bytes);
				} catch {
					valid = false;
				}
				expect(isValidUtf8(bytes, true)).toBe(valid);
			}),
			{ numRuns: 3000, seed: 5 }
		);
		const euro = new TextEncoder().encode('€');
		expect(isValidUtf8(euro.subarray(0, 2), false)).toBe(true);
		expect(isValidUtf8(euro.subarray(0, 2), true)).toBe(false);
		expect(detectEncoding(new Uint8Array([0x61, 0xe9, 0x62]), true).encoding).toBe('windows-1252');
	});
});
