import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
import { idxImages, readIdx } from './idx';
import { readImageSet, writeImageSet } from './image-set';
import { loadImageSet } from './vision.spec-support';

function idx(type: number, dims: number[], values: number[], bytesPer = 1): Uint8Array {
	const out = new Uint8Array(4 + 4 * dims.length + values.length * bytesPer);
	const view = new DataView(out.buffer);
	out[2] = type;
	out[3] = dims.length;
	dims.forEach((d, i) => view.setInt32(4 + 4 * i, d, false));
	values.forEach((v, i) => {
		const at = 4 + 4 * dims.length + i * bytesPer;
		if (type === 0x08) out[at] = v;
		else if (type === 0x0c) view.setInt32(at, v, false);
		else if (type === 0x0d) view.setFloat32(at, v, false);
	});
	return out;
}

describe('readIdx', () => {
	it('reads uint8 images and labels, plain or gzipped', () => {
		const pixels = Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
		const images = idx(0x08, [2, 3, 4], pixels);
		const labels = idx(0x08, [2], [7, 1]);
		for (const [a, b] of [[images, labels], [gzipSync(images), gzipSync(labels)]]) {
			const { batch, labels: y } = idxImages(readIdx(a), readIdx(b));
			expect(batch.count).toBe(2);
			expect(batch.shape).toEqual({ height: 3, width: 4, channels: 1 });
			expect(Array.from(batch.data)).toEqual(pixels);
			expect(Array.from(y!)).toEqual([7, 1]);
		}
	});

	it('reads big-endian int32 and float32 values', () => {
		expect(Array.from(readIdx(idx(0x0c, [3], [-5, 70000, 3], 4)).data)).toEqual([-5, 70000, 3]);
		expect(Array.from(readIdx(idx(0x0d, [2], [1.5, -0.25], 4)).data)).toEqual([1.5, -0.25]);
	});

	it('explains damaged and mismatched files', () => {
		expect(() => readIdx(new Uint8Array([1, 2, 3, 4]), 'x.csv')).toThrow(/x\.csv: not an IDX file/);
		expect(() => readIdx(idx(0x08, [10, 5], [1, 2, 3]), 'train-images')).toThrow(/should hold 50 values \(10×5\) but is cut short after 3/);
		expect(() => readIdx(idx(0x07, [1], [1]))).toThrow(/unknown IDX value type 0x7/);
		expect(() => readIdx(new Uint8Array([0x1f, 0x8b, 1, 2, 3]), 'a.gz')).toThrow(/a\.gz: the gzip data is damaged/);
		expect(() => idxImages(readIdx(idx(0x08, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])), readIdx(idx(0x08, [3], [1, 2, 3])))).toThrow(/3 labels for 2 images/);
		expect(() => readIdx(new Uint8Array([9]))).toThrow(expect.objectContaining({ name: 'ImportError' }));
	});

	const debian = '/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz';
	it.skipIf(!existsSync(debian))('reads the real Fashion-MNIST test files', () => {
		const { batch, labels } = idxImages(readIdx(readFileSync(debian.replace('labels-idx1', 'images-idx3'))), readIdx(readFileSync(debian)));
		expect(batch.count).toBe(10000);
		expect(batch.shape).toEqual({ height: 28, width: 28, channels: 1 });
		expect(new Set(labels).size).toBe(10);
	});
});

describe('image sets', () => {
	it('round-trips through writeImageSet/readImageSet, gzipped', () => {
		const set = { name: 't', classes: ['a', 'b'], trainCount: 2, testCount: 1, shape: { height: 2, width: 2, channels: 3 }, count: 3, labels: new Uint8Array([1, 0, 1]), images: Uint8Array.from({ length: 36 }, (_, i) => i) };
		const back = readImageSet(gzipSync(writeImageSet(set)));
		expect(back).toEqual({ ...set, source: undefined, license: undefined });
		expect(() => readImageSet(writeImageSet({ ...set, labels: new Uint8Array([1, 0, 2]) }))).toThrow(/image 2 has label 2, but there are only 2 classes/);
		expect(() => readImageSet(writeImageSet(set).subarray(0, 40), 'cut.kimg')).toThrow(/cut\.kimg: .*cut short/);
	});

	it('ships Fashion-MNIST (20k + 2k, balanced) and the digits at 28×28', () => {
		const fashion = loadImageSet('fashion-mnist-22k.kimg.gz');
		expect([fashion.trainCount, fashion.testCount, fashion.classes.length]).toEqual([20000, 2000, 10]);
		expect(fashion.shape).toEqual({ height: 28, width: 28, channels: 1 });
		const counts = new Array(10).fill(0);
		fashion.labels.subarray(0, 20000).forEach((l) => counts[l]++);
		expect(counts).toEqual(new Array(10).fill(2000));
		const digits = loadImageSet('digits-28.kimg.gz');
		expect(digits.trainCount + digits.testCount).toBe(1797);
		expect(digits.license).toMatch(/BSD-3-Clause/);
		// Digits sit in the 20×20 centre, as in MNIST: the 4-pixel margin is empty.
		const first = digits.images.subarray(0, 784);
		expect(first.subarray(0, 28 * 4).every((v) => v === 0)).toBe(true);
		expect(Math.max(...first)).toBeGreaterThan(200);
	});
});
