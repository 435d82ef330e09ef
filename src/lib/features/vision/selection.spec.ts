import { describe, expect, it } from 'vitest';
import { pageLabel, selectRange } from './selection';

describe('thumbnail selection', () => {
	const rows = [3, 7, 9, 12, 20];
	it('toggles one image without Shift and adds a range with it, either way round', () => {
		let s = selectRange(new Set(), rows, 1, null);
		expect([...s]).toEqual([7]);
		s = selectRange(s, rows, 1, null);
		expect([...s]).toEqual([]);
		s = selectRange(new Set([3]), rows, 3, 1);
		expect([...s].sort((a, b) => a - b)).toEqual([3, 7, 9, 12]);
		expect([...selectRange(new Set(), rows, 0, 2)].sort((a, b) => a - b)).toEqual([3, 7, 9]);
		// An anchor from another page (out of range) toggles instead.
		expect([...selectRange(new Set(), rows, 4, 9)]).toEqual([20]);
	});
	it('names the page shown', () => {
		expect(pageLabel(40, 40, 6000, 'Sneaker')).toBe('Images 41–80 of 6,000 in “Sneaker”');
		expect(pageLabel(0, 0, 0, 'x')).toBe('No images in “x”');
	});
});
