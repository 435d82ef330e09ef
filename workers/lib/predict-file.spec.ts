import { describe, expect, it } from 'vitest';
import { toCsv } from './predict-file';

describe('toCsv', () => {
	it('escapes cells a spreadsheet would run as formulas', () => {
		const csv = toCsv(['name', 'note'], [['=1+1', '=HYPERLINK("http://x","y")'], ['+cmd', '@sum'], ['-2', 'plain']]);
		expect(csv).toContain("'=1+1");
		expect(csv).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
		expect(csv).toContain("'+cmd");
		expect(csv).toContain("'@sum");
		expect(csv).toContain('plain');
		expect(csv.split('\r\n')[3]).toBe('-2,plain');
		expect(toCsv(['x'], [['-2+3'], ['1e5'], ['+7']])).toBe('x\r\n"\'-2+3"\r\n1e5\r\n+7');
	});
});
