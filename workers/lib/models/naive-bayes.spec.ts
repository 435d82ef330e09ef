import { describe, expect, it } from 'vitest';
import { defaultParams, fitClassic, predictClassic, type GaussianNbModel } from './index';
import { accuracy, datasetHoldout } from './models.spec-support';

const normal = (v: number, mean: number, variance: number) => Math.exp(-((v - mean) ** 2) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance);

describe('Gaussian naive Bayes', () => {
	// Class 0: x = 1, 2, 3 (mean 2, variance 2/3); class 1: x = 6, 8 (mean 7, variance 1). One feature.
	const x = Float32Array.of(1, 2, 3, 6, 8);
	const y = Int32Array.of(0, 0, 0, 1, 1);

	it('matches posteriors computed by hand', () => {
		const model = fitClassic({ family: 'gaussian-nb', params: { varSmoothing: 0 } }, x, 5, 1, y, 'classification', 2, { seed: 1 }) as GaussianNbModel;
		expect(Array.from(model.mean)).toEqual([2, 7]);
		expect(model.variance[0]).toBeCloseTo(2 / 3, 9);
		expect(model.variance[1]).toBeCloseTo(1, 9);
		const q = 4.5;
		const a = (3 / 5) * normal(q, 2, 2 / 3);
		const b = (2 / 5) * normal(q, 7, 1);
		const probs = predictClassic(model, Float32Array.of(q), 1);
		expect(probs[0]).toBeCloseTo(a / (a + b), 6);
		expect(probs[1]).toBeCloseTo(b / (a + b), 6);
	});

	it('adds varSmoothing × the largest feature variance, and ignores a missing input', () => {
		const model = fitClassic({ family: 'gaussian-nb', params: { varSmoothing: 0.1 } }, x, 5, 1, y, 'classification', 2, { seed: 1 }) as GaussianNbModel;
		const overall = [1, 2, 3, 6, 8].reduce((s, v) => s + (v - 4) ** 2, 0) / 5;
		expect(model.variance[0]).toBeCloseTo(2 / 3 + 0.1 * overall, 12);
		const probs = predictClassic(model, Float32Array.of(NaN), 1);
		expect(probs[0]).toBeCloseTo(3 / 5, 6);
	});

	it('classifies iris well', () => {
		const h = datasetHoldout('iris.csv', 'species', 'classification', 1);
		const model = fitClassic({ family: 'gaussian-nb', params: defaultParams('gaussian-nb', 'classification') }, h.xTrain, h.nTrain, h.d, h.yTrain, 'classification', 3, { seed: 1 });
		expect(accuracy(predictClassic(model, h.xTest, h.nTest), h.yTest, 3)).toBeGreaterThanOrEqual(0.9);
	});
});

describe('categorical naive Bayes', () => {
	it('matches smoothed counts computed by hand on one-hot and ordinal inputs', () => {
		// Feature 0 is a 0/1 flag, feature 1 a category code 0..2.
		const x = Float32Array.of(1, 0, 1, 2, 0, 2, 0, 1, 0, 1);
		const y = Int32Array.of(0, 0, 1, 1, 1);
		const model = fitClassic({ family: 'categorical-nb', params: { alpha: 1, maxCategories: 10 } }, x, 5, 2, y, 'classification', 2, { seed: 1 });
		// Query (flag 1, code 2). Class 0 (2 rows): flag=1 in 2 → (2+1)/(2+2); code 2 in 1 → (1+1)/(2+3).
		// Class 1 (3 rows): flag=1 in 0 → (0+1)/(3+2); code 2 in 1 → (1+1)/(3+3).
		const a = (2 / 5) * (3 / 4) * (2 / 5);
		const b = (3 / 5) * (1 / 5) * (2 / 6);
		const probs = predictClassic(model, Float32Array.of(1, 2), 1);
		expect(probs[0]).toBeCloseTo(a / (a + b), 6);
		expect(probs[1]).toBeCloseTo(b / (a + b), 6);
	});

	it('cuts a many-valued feature into bins and still learns', () => {
		const h = datasetHoldout('wine.csv', 'cultivar', 'classification', 2);
		const model = fitClassic({ family: 'categorical-nb', params: defaultParams('categorical-nb', 'classification') }, h.xTrain, h.nTrain, h.d, h.yTrain, 'classification', 3, { seed: 2 });
		expect(accuracy(predictClassic(model, h.xTest, h.nTest), h.yTest, 3)).toBeGreaterThanOrEqual(0.85);
	});
});
