import { describe, expect, it } from 'vitest';
import { createRng } from '$workers/lib/random';
import { contributions, defaultParams, fitClassic, predictClassic, type BoostingModel, type BoostingParams } from './index';
import { accuracy, datasetHoldout, r2 } from './models.spec-support';

const params = (task: 'classification' | 'regression', over: Partial<BoostingParams> = {}): BoostingParams => ({ ...defaultParams('boosting', task), ...over });

/** y = sin(3a) + b² + a·c + noise: no straight line fits it. */
function nonLinear(n: number, seed: number) {
	const rng = createRng(seed);
	const x = new Float32Array(n * 3);
	const y = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const [a, b, c] = [rng() * 4 - 2, rng() * 4 - 2, rng() * 4 - 2];
		x.set([a, b, c], i * 3);
		y[i] = Math.sin(3 * a) + b * b + a * c + 0.1 * (rng() - 0.5);
	}
	return { x, y };
}

describe('histogram gradient boosting', () => {
	it('beats the linear model’s R² on a non-linear regression set', () => {
		const train = nonLinear(2000, 1);
		const test = nonLinear(500, 2);
		const boosted = fitClassic({ family: 'boosting', params: params('regression') }, train.x, 2000, 3, train.y, 'regression', 0, { seed: 1 });
		const linear = fitClassic({ family: 'linear', params: defaultParams('linear', 'regression') }, train.x, 2000, 3, train.y, 'regression', 0, { seed: 1 });
		const boostedR2 = r2(predictClassic(boosted, test.x, 500), test.y);
		const linearR2 = r2(predictClassic(linear, test.x, 500), test.y);
		expect(boostedR2).toBeGreaterThan(0.9);
		expect(boostedR2).toBeGreaterThan(linearR2 + 0.3);
	});

	it('classifies breast cancer (log-loss) and iris (one tree per class per round)', () => {
		const cancer = datasetHoldout('breast-cancer.csv', 'diagnosis', 'classification', 4);
		const binary = fitClassic({ family: 'boosting', params: params('classification') }, cancer.xTrain, cancer.nTrain, cancer.d, cancer.yTrain, 'classification', 2, { seed: 4 }) as BoostingModel;
		expect(binary.columns).toBe(1);
		expect(binary.trees.length).toBe(100);
		expect(accuracy(predictClassic(binary, cancer.xTest, cancer.nTest), cancer.yTest, 2)).toBeGreaterThanOrEqual(0.93);
		const iris = datasetHoldout('iris.csv', 'species', 'classification', 4);
		const multi = fitClassic({ family: 'boosting', params: params('classification', { maxIter: 30 }) }, iris.xTrain, iris.nTrain, iris.d, iris.yTrain, 'classification', 3, { seed: 4 }) as BoostingModel;
		expect(multi.trees.length).toBe(90);
		expect(accuracy(predictClassic(multi, iris.xTest, iris.nTest), iris.yTest, 3)).toBeGreaterThanOrEqual(0.9);
	});

	it('handles missing values natively, learning which side they go', () => {
		// The label is 1 exactly when x0 is missing or above 0.7; x1 is noise.
		const rng = createRng(8);
		const n = 600;
		const x = new Float32Array(n * 2);
		const y = new Int32Array(n);
		for (let i = 0; i < n; i++) {
			const missing = rng() < 0.3;
			x[i * 2] = missing ? NaN : rng();
			x[i * 2 + 1] = rng();
			y[i] = missing || x[i * 2] > 0.7 ? 1 : 0;
		}
		const model = fitClassic({ family: 'boosting', params: params('classification', { maxIter: 30 }) }, x, n, 2, y, 'classification', 2, { seed: 1 });
		const probs = predictClassic(model, Float32Array.of(NaN, 0.5, 0.2, 0.5, 0.9, 0.5), 3);
		expect(probs[1]).toBeGreaterThan(0.9);
		expect(probs[3]).toBeLessThan(0.1);
		expect(probs[5]).toBeGreaterThan(0.9);
	});

	it('stops early on a seeded validation split when the loss stops improving', () => {
		const train = nonLinear(1500, 3);
		const noisy = Float64Array.from(train.y, (v, i) => v + (i % 7) - 3);
		const model = fitClassic({ family: 'boosting', params: params('regression', { earlyStopping: 'on', maxIter: 400, learningRate: 0.3 }) }, train.x, 1500, 3, noisy, 'regression', 0, { seed: 2 }) as BoostingModel;
		expect(model.iterations).toBeLessThan(400);
		expect(model.validationLoss.length).toBe(model.iterations);
		expect(model.notes.join(' ')).toMatch(/Stopped early after \d+ rounds/);
	});

	it('keeps each tree within maxLeafNodes and maxDepth', () => {
		const train = nonLinear(1000, 5);
		const wide = fitClassic({ family: 'boosting', params: params('regression', { maxLeafNodes: 7, maxIter: 10 }) }, train.x, 1000, 3, train.y, 'regression', 0, { seed: 1 }) as BoostingModel;
		for (const tree of wide.trees) expect(tree.feature.filter((f) => f < 0).length).toBeLessThanOrEqual(7);
		const deep = fitClassic({ family: 'boosting', params: params('regression', { maxLeafNodes: null, maxDepth: 2, maxIter: 10 }) }, train.x, 1000, 3, train.y, 'regression', 0, { seed: 1 }) as BoostingModel;
		for (const tree of deep.trees) expect(tree.feature.filter((f) => f < 0).length).toBe(4);
	});

	it('explains the log-odds of a prediction exactly (baseline + contributions)', () => {
		const cancer = datasetHoldout('breast-cancer.csv', 'diagnosis', 'classification', 6);
		const model = fitClassic({ family: 'boosting', params: params('classification', { maxIter: 40 }) }, cancer.xTrain, cancer.nTrain, cancer.d, cancer.yTrain, 'classification', 2, { seed: 6 });
		const row = cancer.xTest.slice(0, cancer.d);
		const parts = contributions(model, row)!;
		expect(parts.space).toBe('log-odds');
		const logit = parts.bias[0] + parts.values.reduce((s, v) => s + v, 0);
		expect(1 / (1 + Math.exp(-logit))).toBeCloseTo(predictClassic(model, row, 1)[1], 5);
	});
});
