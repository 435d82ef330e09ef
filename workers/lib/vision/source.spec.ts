import { describe, expect, it } from 'vitest';
import { createRng } from '$workers/lib/random';
import { arraySource, chunkedSource, epochOrder } from './source';
import type { ImageShape } from './types';

const shape: ImageShape = { height: 2, width: 2, channels: 1 };
/** Image i is four bytes of value i % 256. */
const pixels = (count: number) => Uint8Array.from({ length: count * 4 }, (_, k) => Math.floor(k / 4) % 256);

function chunked(count: number, chunkSize: number, cacheBytes: number) {
	const all = pixels(count);
	return chunkedSource({ shape, count, chunkSize, cacheBytes, readChunk: async (c) => all.slice(c * chunkSize * 4, Math.min(count, (c + 1) * chunkSize) * 4) });
}

describe('image sources', () => {
	it('array source returns the asked images in order', async () => {
		const source = arraySource(pixels(10), 10, shape);
		expect(Array.from(await source.getBatch(Int32Array.from([3, 0, 9])))).toEqual([3, 3, 3, 3, 0, 0, 0, 0, 9, 9, 9, 9]);
		await expect(source.getBatch(Int32Array.from([10]))).rejects.toThrow(/Image 10 was asked for, but the set has 10 images/);
	});

	it('chunked source gives the same bytes and keeps its cache within the bound', async () => {
		const source = chunked(100, 10, 3 * 40);
		const rng = createRng(3);
		for (let round = 0; round < 20; round++) {
			const rows = Int32Array.from({ length: 16 }, () => Math.floor(rng() * 100));
			const bytes = await source.getBatch(rows);
			expect(Array.from(bytes.filter((_, k) => k % 4 === 0))).toEqual(Array.from(rows));
			expect(source.stats.cachedBytes).toBeLessThanOrEqual(3 * 40);
		}
		expect(source.stats.reads).toBeGreaterThan(10);
	});

	it('reads each chunk once when the whole set fits the cache, even with requests in flight', async () => {
		const source = chunked(50, 10, 1 << 20);
		const rows = Int32Array.from({ length: 50 }, (_, i) => i);
		await Promise.all([source.getBatch(rows), source.getBatch(rows.reverse())]);
		for (let e = 0; e < 3; e++) await source.getBatch(rows);
		expect(source.stats.reads).toBe(5);
	});

	it('shuffles with chunk locality when the cache cannot hold the set, reading each chunk about once per epoch', async () => {
		const count = 1000;
		const source = chunked(count, 50, 4 * 50 * 4);
		const rows = Int32Array.from({ length: count }, (_, i) => i);
		const order = epochOrder(rows, createRng(7), source);
		expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from(rows));
		expect(order).toEqual(epochOrder(rows, createRng(7), source));
		expect(order).not.toEqual(rows);
		for (let b = 0; b < count; b += 32) {
			const chunks = new Set(Array.from(order.subarray(b, b + 32), (r) => Math.floor(r / 50)));
			expect(chunks.size).toBeLessThanOrEqual(4);
		}
		for (let b = 0; b < count; b += 32) await source.getBatch(order.subarray(b, b + 32));
		expect(source.stats.reads).toBeLessThanOrEqual(24);
		// In memory, a plain shuffle.
		const plain = epochOrder(rows, createRng(7), arraySource(pixels(count), count, shape));
		expect(new Set(Array.from(plain.subarray(0, 32), (r) => Math.floor(r / 50))).size).toBeGreaterThan(8);
	});
});
