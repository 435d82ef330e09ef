import { describe, expect, it } from 'vitest';
import { createRng } from '$workers/lib/random';
import { augmentImages, flipHorizontal, isIdentity, previewAugment } from './augment';
import type { AugmentOptions, ImageShape } from './types';

const shape: ImageShape = { height: 12, width: 10, channels: 3 };
const size = 12 * 10 * 3;
function images(count: number, seed = 1): Uint8Array {
	const rng = createRng(seed);
	return Uint8Array.from({ length: count * size }, () => Math.floor(rng() * 256));
}
const ALL: AugmentOptions = { flip: 0.5, rotate: 15, shift: 0.1, brightness: 0.2, contrast: 0.2, noise: 8 };

describe('augmentImages', () => {
	it('is reproducible by seed and varies with it', () => {
		const x = images(6);
		const a = augmentImages(x, 6, shape, ALL, 42);
		expect(augmentImages(x, 6, shape, ALL, 42)).toEqual(a);
		expect(augmentImages(x, 6, shape, ALL, 43)).not.toEqual(a);
		expect(a).not.toEqual(x);
		expect(a.length).toBe(x.length);
	});

	it('returns an exact copy when everything is off', () => {
		const x = images(3);
		expect(isIdentity({})).toBe(true);
		expect(isIdentity({ flip: 0, rotate: 0, noise: 0 })).toBe(true);
		const out = augmentImages(x, 3, shape, { flip: 0, rotate: 0, shift: 0, brightness: 0, contrast: 0, noise: 0 }, 7);
		expect(out).toEqual(x);
		expect(out).not.toBe(x);
	});

	it('flips exactly: twice is the identity, and flip: 1 mirrors every image', () => {
		const x = images(1);
		const once = flipHorizontal(x, shape);
		expect(once).not.toEqual(x);
		expect(flipHorizontal(once, shape)).toEqual(x);
		// Pixel (y=2, x=0) moves to (2, 9), channels kept together.
		expect(Array.from(once.subarray((2 * 10 + 9) * 3, (2 * 10 + 9) * 3 + 3))).toEqual(Array.from(x.subarray(2 * 10 * 3, 2 * 10 * 3 + 3)));
		const two = images(2, 5);
		const flipped = augmentImages(two, 2, shape, { flip: 1 }, 3);
		expect(flipped.subarray(0, size)).toEqual(flipHorizontal(two.subarray(0, size), shape));
		expect(flipped.subarray(size)).toEqual(flipHorizontal(two.subarray(size), shape));
	});

	it('shifts by whole pixels, repeating the edge', () => {
		const gray: ImageShape = { height: 8, width: 8, channels: 1 };
		const x = new Uint8Array(64);
		x[3 * 8 + 3] = 200;
		// shift 0.25 of 8 px: up to ±2 px, so the dot stays inside and keeps its value.
		const moved = new Set<number>();
		for (let seed = 0; seed < 20; seed++) {
			const out = augmentImages(x, 1, gray, { shift: 0.25 }, seed);
			expect(out.filter((v) => v === 200)).toHaveLength(1);
			expect(out.reduce((s, v) => s + v, 0)).toBe(200);
			const at = out.indexOf(200);
			expect(Math.abs(Math.floor(at / 8) - 3)).toBeLessThanOrEqual(2);
			expect(Math.abs((at % 8) - 3)).toBeLessThanOrEqual(2);
			moved.add(at);
		}
		expect(moved.size).toBeGreaterThan(5);
	});

	it('rotates about the centre: a 90° turn of a square image moves pixels where expected', () => {
		const sq: ImageShape = { height: 9, width: 9, channels: 1 };
		const x = new Uint8Array(81);
		x[1 * 9 + 4] = 255; // top middle
		// rotate: 90 draws an angle in [-90°, 90°]; scan seeds for a draw near ±90°.
		let found = false;
		for (let seed = 0; seed < 400 && !found; seed++) {
			const out = augmentImages(x, 1, sq, { rotate: 90 }, seed);
			const at = out.indexOf(Math.max(...out));
			if (out[at] > 250 && (at === 4 * 9 + 7 || at === 4 * 9 + 1)) found = true;
		}
		expect(found).toBe(true);
	});

	it('changes brightness, contrast and noise as asked, within 0–255', () => {
		const gray: ImageShape = { height: 16, width: 16, channels: 1 };
		const flat = new Uint8Array(256).fill(100);
		const noisy = augmentImages(flat, 1, gray, { noise: 10 }, 1);
		const mean = noisy.reduce((s, v) => s + v, 0) / 256;
		const sd = Math.sqrt(noisy.reduce((s, v) => s + (v - mean) ** 2, 0) / 256);
		expect(Math.abs(mean - 100)).toBeLessThan(3);
		expect(sd).toBeGreaterThan(7);
		expect(sd).toBeLessThan(13);
		const brighter = Array.from({ length: 20 }, (_, s) => augmentImages(flat, 1, gray, { brightness: 0.3 }, s)[0]);
		expect(new Set(brighter).size).toBeGreaterThan(5);
		expect(Math.max(...brighter)).toBeLessThanOrEqual(100 + 0.3 * 255 + 1);
		expect(Math.min(...brighter)).toBeGreaterThanOrEqual(100 - 0.3 * 255 - 1);
		const x = images(4);
		const all = augmentImages(x, 4, shape, { ...ALL, brightness: 1, contrast: 1, noise: 100 }, 9);
		expect(all.every((v) => v >= 0 && v <= 255)).toBe(true);
		// A flat image has no contrast to change.
		expect(augmentImages(flat, 1, gray, { contrast: 0.5 }, 2)).toEqual(flat);
	});

	it('rejects bad options and short input with a message', () => {
		expect(() => augmentImages(images(1), 1, shape, { rotate: 500 }, 1)).toThrow(/rotate.*0 to 180/);
		expect(() => augmentImages(images(1), 1, shape, { zoom: 1 } as AugmentOptions, 1)).toThrow(/Unknown augmentation "zoom"/);
		expect(() => augmentImages(images(1), 2, shape, ALL, 1)).toThrow(/Expected 2 images/);
	});
});

describe('previewAugment', () => {
	it('returns the asked number of copies per image, grouped by image', () => {
		const x = images(2);
		const preview = previewAugment({ data: x, count: 2, shape }, ALL, 5, 4);
		expect(preview.count).toBe(8);
		expect(preview.data.length).toBe(8 * size);
		expect(previewAugment({ data: x, count: 2, shape }, ALL, 5, 4).data).toEqual(preview.data);
		const off = previewAugment({ data: x, count: 2, shape }, {}, 5, 3);
		expect(off.data.subarray(0, size)).toEqual(x.subarray(0, size));
		expect(off.data.subarray(3 * size, 4 * size)).toEqual(x.subarray(size, 2 * size));
	});
});
