import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../tests/unit-support';
import { imageLayout, imageTensor, imageValues, type Pixels } from './image-tensor';
import type { TensorSpec } from './types';

const spec = (dims: (number | string)[], type = 'float32'): TensorSpec => ({ name: 'pixels', type, dims });

/** A grey picture from values 0–255, each pixel drawn as a `zoom`×`zoom` block (RGB equal, opaque). */
function greyPicture(values: number[], side: number, zoom: number): Pixels {
	const width = side * zoom;
	const data = new Uint8ClampedArray(width * width * 4);
	for (let y = 0; y < width; y++) {
		for (let x = 0; x < width; x++) {
			const v = values[Math.floor(y / zoom) * side + Math.floor(x / zoom)];
			data.set([v, v, v, 255], (y * width + x) * 4);
		}
	}
	return { width, height: width, data };
}

describe('image to tensor', () => {
	it('reads the layout from the shape: channels last, channels first, no batch axis, flattened grey', () => {
		const picture = { width: 640, height: 480 };
		expect(imageLayout(spec(['N', 224, 224, 3]), picture)).toEqual({ order: 'NHWC', height: 224, width: 224, channels: 3, batched: true });
		expect(imageLayout(spec(['batch', 1, 28, 28]), picture)).toEqual({ order: 'NCHW', height: 28, width: 28, channels: 1, batched: true });
		expect(imageLayout(spec([32, 32, 4]), picture)).toEqual({ order: 'NHWC', height: 32, width: 32, channels: 4, batched: false });
		expect(imageLayout(spec(['N', 3, 'H', 'W']), picture)).toEqual({ order: 'NCHW', height: 480, width: 640, channels: 3, batched: true });
		expect(imageLayout(spec(['N', 784]), picture)).toEqual({ order: 'flat', height: 28, width: 28, channels: 1, batched: true });
		expect(() => imageLayout(spec(['N', 5]), picture)).toThrow('Input "pixels" has shape [N, 5], which does not look like a picture');
	});

	it('shrinks a real digits picture drawn 4× larger back to its 64 values (flat [N, 64] input)', () => {
		const table = loadDataset('digits.csv');
		const pixels = table.columns.filter((c) => c.name !== 'digit' && c.kind === 'numeric');
		expect(pixels).toHaveLength(64);
		for (const row of [0, 7, 100]) {
			// digits pixels run 0–16; drawn as grey levels 0–240
			const values = pixels.map((c) => (c.kind === 'numeric' ? c.values[row] * 15 : 0));
			const { values: out, dims, layout } = imageValues(greyPicture(values, 8, 4), spec(['N', 64]), true);
			expect(layout.order).toBe('flat');
			expect(dims).toEqual([1, 64]);
			// luma weights sum to 1 (to float32 rounding), so a grey picture keeps its levels
			out.forEach((v, i) => expect(v).toBeCloseTo(values[i] / 255, 5));
		}
	});

	it('lays channels out first or last, scales by 1/255 only when asked, and rounds whole-number inputs', () => {
		// 2×1 picture: a red and a blue pixel
		const picture: Pixels = { width: 2, height: 1, data: new Uint8ClampedArray([255, 0, 0, 255, 0, 0, 255, 255]) };
		const last = imageTensor(picture, { order: 'NHWC', height: 1, width: 2, channels: 3, batched: true }, false);
		expect(Array.from(last.values)).toEqual([255, 0, 0, 0, 0, 255]);
		expect(last.dims).toEqual([1, 1, 2, 3]);
		const first = imageTensor(picture, { order: 'NCHW', height: 1, width: 2, channels: 3, batched: true }, true);
		expect(Array.from(first.values)).toEqual([1, 0, 0, 0, 0, 1]);
		expect(first.dims).toEqual([1, 3, 1, 2]);
		// growing 2×1 to 4×1 interpolates between the two pixels
		const grown = imageValues(picture, spec(['N', 1, 4, 3], 'uint8'), true);
		expect(Array.from(grown.values.filter((_, i) => i % 3 === 0))).toEqual([255, 191, 64, 0]);
	});
});
