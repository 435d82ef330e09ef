import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isKind } from '$shared/errors';
import { readIdxPairs } from './idx-import';

/** An IDX file: magic (uint8, dims), big-endian sizes, then the bytes. */
function idx(dims: number[], data: Uint8Array): Blob {
	const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
	header.setUint8(2, 0x08);
	header.setUint8(3, dims.length);
	dims.forEach((d, i) => header.setUint32(4 + 4 * i, d));
	return new Blob([new Uint8Array(header.buffer), data as Uint8Array<ArrayBuffer>]);
}

describe('IDX import', () => {
	it('joins a train and a t10k pair (gz or not), train first, t10k as the test split', async () => {
		const testImages = idx([2, 2, 2], new Uint8Array([9, 9, 9, 9, 8, 8, 8, 8]));
		const result = await readIdxPairs([
			{ path: 'fm/t10k-images-idx3-ubyte', file: testImages },
			{ path: 'fm/t10k-labels-idx1-ubyte', file: idx([2], new Uint8Array([2, 0])) },
			{ path: 'fm/train-images-idx3-ubyte.gz', file: new Blob([gzipSync(new Uint8Array(await idx([3, 2, 2], new Uint8Array(12).fill(1)).arrayBuffer()))]) },
			{ path: 'fm/train-labels-idx1-ubyte.gz', file: new Blob([gzipSync(new Uint8Array(await idx([3], new Uint8Array([0, 1, 1])).arrayBuffer()))]) }
		]);
		expect(result.shape).toEqual({ height: 2, width: 2, channels: 1 });
		expect(Array.from(result.labels)).toEqual([0, 1, 1, 2, 0]);
		expect(result.testStart).toBe(3);
		expect(result.classes).toEqual(['0', '1', '2']);
		expect(result.counts).toEqual([2, 2, 1]);
		expect(Array.from(result.pixels.subarray(12, 16))).toEqual([9, 9, 9, 9]);
	});
	it('names the missing half of a pair', async () => {
		await expect(readIdxPairs([{ path: 'train-images-idx3-ubyte', file: idx([1, 2, 2], new Uint8Array(4)) }])).rejects.toSatisfy((e) => isKind(e, 'ImportError') && /labels file/.test((e as Error).message));
	});
});
