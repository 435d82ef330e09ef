import { describe, expect, it } from 'vitest';
import { softmaxInPlace, toFloatImages, topK } from './evaluate';

describe('evaluation helpers', () => {
	it('scales pixels to [0, 1] and turns logits into probabilities', () => {
		expect(toFloatImages(new Uint8Array([0, 51, 255]))).toEqual(new Float32Array([0, 0.2, 1]));
		const p = softmaxInPlace(new Float32Array([1000, 1000, 0, 0]), 2);
		expect(Array.from(p)).toEqual([0.5, 0.5, 0.5, 0.5]);
	});

	it('lists the top classes, most probable first', () => {
		expect(topK([0.1, 0.6, 0.3], ['cat', 'dog', 'owl'], 2)).toEqual([
			{ index: 1, name: 'dog', probability: 0.6 },
			{ index: 2, name: 'owl', probability: 0.3 }
		]);
	});
});
