import { describe, expect, it } from 'vitest';
import { codeFromHash, formatBytes, safeFileName, shareLinkPrefix } from './files';

describe('ship helpers', () => {
	it('make safe file names from any title', () => {
		expect(safeFileName('Iris — Species (v2)!')).toBe('iris-species-v2');
		expect(safeFileName('Café crème')).toBe('cafe-creme');
		expect(safeFileName('../../etc/passwd')).toBe('etc-passwd');
		expect(safeFileName('日本語')).toBe('kiln-model');
		expect(safeFileName('x'.repeat(100)).length).toBe(60);
	});

	it('format sizes in bytes, KB and MB', () => {
		expect(formatBytes(900)).toBe('900 bytes');
		expect(formatBytes(1536)).toBe('1.5 KB');
		expect(formatBytes(200 * 1024)).toBe('200 KB');
		expect(formatBytes(3.25 * 1024 ** 2)).toBe('3.3 MB');
	});

	it('build the share page address from absolute or relative paths, under any sub-path', () => {
		expect(shareLinkPrefix('http://host/some/sub/project/ship/?id=1', '/some/sub/share')).toBe('http://host/some/sub/share/#');
		expect(shareLinkPrefix('http://host/project/ship/?id=1', '../../share')).toBe('http://host/share/#');
		expect(shareLinkPrefix('http://host/', '/share/')).toBe('http://host/share/#');
		expect(codeFromHash('#abc')).toBe('abc');
		expect(codeFromHash('')).toBe('');
	});
});
