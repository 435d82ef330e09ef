/**
 * Where training reads images from, with memory that stays flat across epochs: an in-memory
 * array (tests, small sets), or uint8 chunks (the app's IndexedDB store) behind a cache bounded
 * in bytes, plus a shuffle that keeps each batch within a few chunks when the cache cannot hold
 * the whole set.
 */
import { KilnError } from '$shared/errors';
import { shuffleInPlace } from '$workers/lib/random';
import type { ImageShape, ImageSource } from './types';

export const imageBytes = (shape: ImageShape) => shape.height * shape.width * shape.channels;

/** A source that may say how it is chunked, so the trainer can shuffle with locality. */
export interface ChunkedImageSource extends ImageSource {
	/** Images per chunk (the last may hold fewer). */
	chunkSize: number;
	/** Bytes the cache may hold. */
	cacheBytes: number;
}

function checkIndices(indices: Int32Array, count: number): void {
	for (const i of indices) if (!(i >= 0 && i < count)) throw new KilnError('ValidationError', `Image ${i} was asked for, but the set has ${count} images (0–${count - 1}).`);
}

/** Images already in memory (NHWC uint8, count·h·w·c bytes). */
export function arraySource(data: Uint8Array, count: number, shape: ImageShape): ImageSource {
	const size = imageBytes(shape);
	if (data.length < count * size) throw new KilnError('ValidationError', `${count} images of ${shape.height}×${shape.width}×${shape.channels} need ${count * size} bytes; got ${data.length}.`);
	return {
		shape,
		count,
		async getBatch(indices) {
			checkIndices(indices, count);
			const out = new Uint8Array(indices.length * size);
			indices.forEach((i, k) => out.set(data.subarray(i * size, (i + 1) * size), k * size));
			return out;
		}
	};
}

/**
 * Images stored as chunks of `chunkSize` images each, read by `readChunk(index)` (an IndexedDB get
 * in the app). Chunks are kept in a least-recently-used cache of at most `cacheBytes` (always at
 * least one chunk), and a chunk being read is read once however many batches ask for it.
 */
export function chunkedSource(options: { shape: ImageShape; count: number; chunkSize: number; cacheBytes?: number; readChunk: (index: number) => Promise<Uint8Array> }): ChunkedImageSource & { stats: { reads: number; cachedBytes: number } } {
	const { shape, count, chunkSize, readChunk } = options;
	const cacheBytes = options.cacheBytes ?? 64 * 2 ** 20;
	const size = imageBytes(shape);
	if (!(Number.isInteger(chunkSize) && chunkSize > 0)) throw new KilnError('ValidationError', 'The chunk size must be a whole number of images above 0.');
	const cache = new Map<number, Uint8Array>();
	const pending = new Map<number, Promise<Uint8Array>>();
	const stats = { reads: 0, cachedBytes: 0 };
	const chunks = Math.ceil(count / chunkSize);

	async function chunk(index: number): Promise<Uint8Array> {
		const hit = cache.get(index);
		if (hit) {
			// Re-insert: Map order is the recency order.
			cache.delete(index);
			cache.set(index, hit);
			return hit;
		}
		let reading = pending.get(index);
		if (!reading) {
			stats.reads++;
			reading = readChunk(index).then((bytes) => {
				const expected = Math.min(chunkSize, count - index * chunkSize) * size;
				if (bytes.length < expected) throw new KilnError('StorageError', `Stored chunk ${index} of the images holds ${bytes.length} bytes, ${expected} were expected; re-import the images.`);
				cache.set(index, bytes);
				stats.cachedBytes += bytes.length;
				for (const [key, value] of cache) {
					if (stats.cachedBytes <= cacheBytes || cache.size <= 1) break;
					cache.delete(key);
					stats.cachedBytes -= value.length;
				}
				return bytes;
			});
			pending.set(index, reading);
			reading.then(
				() => pending.delete(index),
				() => pending.delete(index)
			);
		}
		return reading;
	}

	return {
		shape,
		count,
		chunkSize,
		cacheBytes,
		stats,
		async getBatch(indices) {
			checkIndices(indices, count);
			const out = new Uint8Array(indices.length * size);
			// Group by chunk so each chunk is fetched (or found) once per batch.
			const byChunk = new Map<number, number[]>();
			indices.forEach((i, k) => {
				const c = Math.floor(i / chunkSize);
				if (c >= chunks) return;
				(byChunk.get(c) ?? byChunk.set(c, []).get(c)!).push(k);
			});
			for (const [c, positions] of byChunk) {
				const bytes = await chunk(c);
				for (const k of positions) {
					const within = indices[k] - c * chunkSize;
					out.set(bytes.subarray(within * size, (within + 1) * size), k * size);
				}
			}
			return out;
		}
	};
}

/**
 * This epoch's order of `rows`. A plain shuffle when the whole set fits the cache; otherwise the
 * chunks are shuffled and rows shuffled within windows of `window` chunks, so one batch touches a
 * few chunks and each chunk is read about once per epoch.
 */
export function epochOrder(rows: Int32Array, rng: () => number, source: ImageSource): Int32Array {
	const order = Int32Array.from(rows);
	const chunked = source as Partial<ChunkedImageSource>;
	if (!chunked.chunkSize || !chunked.cacheBytes || source.count * imageBytes(source.shape) <= chunked.cacheBytes) return shuffleInPlace(order, rng);
	const chunkSize = chunked.chunkSize;
	const window = Math.max(1, Math.floor(chunked.cacheBytes / (chunkSize * imageBytes(source.shape)) / 2));
	const byChunk = new Map<number, number[]>();
	for (const r of rows) (byChunk.get(Math.floor(r / chunkSize)) ?? byChunk.set(Math.floor(r / chunkSize), []).get(Math.floor(r / chunkSize))!).push(r);
	const chunkOrder = shuffleInPlace([...byChunk.keys()], rng);
	let at = 0;
	for (let w = 0; w < chunkOrder.length; w += window) {
		const group = Int32Array.from(chunkOrder.slice(w, w + window).flatMap((c) => byChunk.get(c)!));
		order.set(shuffleInPlace(group, rng), at);
		at += group.length;
	}
	return order;
}
