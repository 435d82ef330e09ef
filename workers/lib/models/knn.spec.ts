import { describe, expect, it } from 'vitest';
import { defaultParams, fitClassic, predictClassic, type KnnModel, type KnnParams } from './index';
import { nearest } from './knn';
import { accuracy, datasetHoldout } from './models.spec-support';

const params = (over: Partial<KnnParams>): KnnParams => ({ ...defaultParams('knn', 'classification'), ...over });

// Six points on a line (standardising keeps their order and relative distances).
const x = Float32Array.of(0, 1, 2, 10, 11, 13);
const classes = Int32Array.of(0, 0, 0, 1, 1, 1);

describe('k-nearest neighbours', () => {
	it('finds the known nearest rows in order', () => {
		const model = fitClassic({ family: 'knn', params: params({ k: 3 }) }, x, 6, 1, classes, 'classification', 2, { seed: 1 }) as KnnModel;
		const { mean, scale } = model.standardiser;
		const index = new Int32Array(3);
		const dist = new Float64Array(3);
		nearest(model, Float32Array.of((10.4 - mean[0]) / scale[0]), index, dist);
		expect(Array.from(index)).toEqual([3, 4, 5]);
		nearest(model, Float32Array.of((1.2 - mean[0]) / scale[0]), index, dist);
		expect(Array.from(index)).toEqual([1, 2, 0]);
	});

	it('weights neighbours by inverse distance, and an exact match takes all the weight', () => {
		const model = fitClassic({ family: 'knn', params: params({ k: 3 }) }, x, 6, 1, classes, 'classification', 2, { seed: 1 });
		// Query 7: neighbours 10 (d 3), 11 (d 4), 2 (d 5) on the original scale; scaling cancels in the shares.
		const probs = predictClassic(model, Float32Array.of(7, 11), 2);
		const w = [1 / 3, 1 / 4, 1 / 5];
		expect(probs[0]).toBeCloseTo(w[2] / (w[0] + w[1] + w[2]), 5);
		expect(probs[1]).toBeCloseTo((w[0] + w[1]) / (w[0] + w[1] + w[2]), 5);
		expect(Array.from(probs.slice(2))).toEqual([0, 1]);
		const uniform = fitClassic({ family: 'knn', params: params({ k: 3, weights: 'uniform' }) }, x, 6, 1, classes, 'classification', 2, { seed: 1 });
		expect(predictClassic(uniform, Float32Array.of(7), 1)[1]).toBeCloseTo(2 / 3, 6);
	});

	it('averages neighbour values for regression', () => {
		const y = Float64Array.of(1, 2, 3, 10, 20, 30);
		const model = fitClassic({ family: 'knn', params: { ...defaultParams('knn', 'regression'), k: 2, weights: 'uniform' } }, x, 6, 1, y, 'regression', 0, { seed: 1 });
		expect(predictClassic(model, Float32Array.of(10.6), 1)[0]).toBeCloseTo(15, 5);
	});

	it('keeps a stratified sample above maxTrainRows and says so; k above the row count is capped', () => {
		const h = datasetHoldout('digits.csv', 'digit', 'classification', 1);
		const model = fitClassic({ family: 'knn', params: params({ maxTrainRows: 500 }) }, h.xTrain, h.nTrain, h.d, h.yTrain, 'classification', 10, { seed: 1 }) as KnnModel;
		expect(model.rows).toBeGreaterThan(480);
		expect(model.rows).toBeLessThan(520);
		expect(model.notes[0]).toMatch(/keeps a sample of/);
		expect(accuracy(predictClassic(model, h.xTest, h.nTest), h.yTest, 10)).toBeGreaterThan(0.9);
		const tiny = fitClassic({ family: 'knn', params: params({ k: 50 }) }, x, 6, 1, classes, 'classification', 2, { seed: 1 }) as KnnModel;
		expect(tiny.k).toBe(6);
		expect(tiny.notes[0]).toMatch(/using k = 6/);
	});
});
