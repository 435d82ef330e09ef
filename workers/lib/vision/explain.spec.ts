import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWasm } from '$workers/lib/kernels/wasm.spec-support';
import { createRng } from '$workers/lib/random';
import { buildCnn } from './cnn';
import { confusedPairs, gradCam, lastConvLayer, saliency } from './explain';
import { arraySource } from './source';
import { fitCnn } from './train-cnn';
import type { CnnSpec } from './types';

/**
 * A 5×5 shape at a random place on faint noise: a filled square (class 0) or a hollow one
 * (class 1). Only the shape tells the classes apart, so a faithful map has its mass there.
 */
function shapes(count: number, seed: number): { images: Uint8Array; labels: Int32Array; boxes: [number, number][] } {
	const rng = createRng(seed);
	const images = new Uint8Array(count * 16 * 16);
	const labels = new Int32Array(count);
	const boxes: [number, number][] = [];
	for (let n = 0; n < count; n++) {
		const label = n % 2;
		labels[n] = label;
		const base = n * 256;
		for (let i = 0; i < 256; i++) images[base + i] = Math.floor(rng() * 40);
		const y0 = 1 + Math.floor(rng() * 10);
		const x0 = 1 + Math.floor(rng() * 10);
		boxes.push([y0, x0]);
		for (let y = y0; y < y0 + 5; y++) for (let x = x0; x < x0 + 5; x++) if (label === 0 || y === y0 || y === y0 + 4 || x === x0 || x === x0 + 4) images[base + y * 16 + x] = 230;
	}
	return { images, labels, boxes };
}

const SPEC: CnnSpec = {
	input: { height: 16, width: 16, channels: 1 },
	classes: 2,
	layers: [
		{ type: 'conv2d', filters: 8, kernel: 3, activation: 'relu' },
		{ type: 'maxPool', size: 2 },
		{ type: 'conv2d', filters: 8, kernel: 3, activation: 'relu' },
		{ type: 'globalAvgPool' }
	]
};

/** Share of a map's mass within one pixel of the shape (7×7 of 256 pixels: 19 % of the area). */
function shapeShare(map: Float32Array, [y0, x0]: [number, number]): number {
	let inside = 0;
	let total = 0;
	for (let y = 0; y < 16; y++) {
		for (let x = 0; x < 16; x++) {
			total += map[y * 16 + x];
			if (y >= y0 - 1 && y <= y0 + 5 && x >= x0 - 1 && x <= x0 + 5) inside += map[y * 16 + x];
		}
	}
	return inside / total;
}

describe('saliency and Grad-CAM', () => {
	it('point at the shape that decides the class', async () => {
		await useWasm();
		const train = shapes(160, 1);
		const model = buildCnn(SPEC, 2);
		await fitCnn(model, arraySource(train.images, 160, SPEC.input), train.labels, { epochs: 10, batchSize: 16, lr: 0.01, seed: 1 });
		const test = shapes(8, 2);
		const before = tf.memory().numTensors;
		for (const explain of [saliency, gradCam]) {
			const heat = explain(model, test.images, 8);
			expect(heat.maps).toHaveLength(8 * 256);
			expect(Array.from(heat.classes)).toEqual(Array.from(test.labels));
			const shares: number[] = [];
			for (let n = 0; n < 8; n++) {
				const map = heat.maps.subarray(n * 256, (n + 1) * 256);
				expect(Math.max(...map)).toBeCloseTo(1, 6);
				expect(Math.min(...map)).toBeGreaterThanOrEqual(0);
				shares.push(shapeShare(map, test.boxes[n]));
			}
			// The shape's surroundings are 19 % of the image; the maps put about twice that or more there.
			const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
			expect(mean, `${explain.name}: ${shares.map((v) => v.toFixed(2))}`).toBeGreaterThan(0.35);
			if (explain === saliency) expect(Math.min(...shares)).toBeGreaterThan(0.3);
		}
		// Explaining the other class also works, and nothing leaks.
		const other = gradCam(model, test.images, 8, Int32Array.from(test.labels, (l) => 1 - l));
		expect(Array.from(other.classes)).toEqual(Array.from(test.labels, (l) => 1 - l));
		expect(tf.memory().numTensors).toBe(before);
		expect(model.layers[lastConvLayer(model)].name).toBe('l2_conv2d');
		model.dispose();
	});

	it('explain what they cannot do', async () => {
		await useWasm();
		const dense = buildCnn({ input: { height: 4, width: 4, channels: 1 }, classes: 2, layers: [{ type: 'flatten' }, { type: 'dense', units: 3 }] }, 1);
		expect(() => gradCam(dense, new Uint8Array(16), 1)).toThrow(/needs a convolutional layer/);
		expect(() => saliency(dense, new Uint8Array(32), 2, [0])).toThrow(/one class per image to explain \(2\)/);
		dense.dispose();
	});
});

describe('confusedPairs', () => {
	it('ranks the most frequent mistakes with their rate and example rows', () => {
		const truth = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2];
		const predicted = [0, 1, 1, 1, 0, 1, 2, 2, 1, 1];
		const rows = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
		const pairs = confusedPairs(truth, predicted, 3, { rows, examples: 1 });
		expect(pairs.map((p) => [p.actual, p.predicted, p.count])).toEqual([[0, 1, 2], [2, 1, 2], [1, 0, 1], [1, 2, 1]]);
		expect(pairs[0].rate).toBeCloseTo(2 / 3);
		expect(pairs[0].examples).toEqual([11]);
		expect(confusedPairs(truth, predicted, 3, { top: 1 })[0].examples).toEqual([1, 2]);
		expect(confusedPairs([0, 1], [0, 1], 2)).toEqual([]);
	});
});
