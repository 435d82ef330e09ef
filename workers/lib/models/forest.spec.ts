import { describe, expect, it } from 'vitest';
import { combineForest, defaultParams, fitClassic, fitForestTrees, forestTreeSeeds, importances, predictClassic, type ForestModel } from './index';
import { accuracy, datasetHoldout, r2 } from './models.spec-support';

describe('random forest', () => {
	it('reaches ≥ 0.94 mean holdout accuracy on breast cancer over 3 seeds', () => {
		const scores = [1, 2, 3].map((seed) => {
			const h = datasetHoldout('breast-cancer.csv', 'diagnosis', 'classification', seed);
			const model = fitClassic({ family: 'forest', params: defaultParams('forest', 'classification') }, h.xTrain, h.nTrain, h.d, h.yTrain, 'classification', 2, { seed });
			return accuracy(predictClassic(model, h.xTest, h.nTest), h.yTest, 2);
		});
		expect(scores.reduce((s, v) => s + v, 0) / 3).toBeGreaterThanOrEqual(0.94);
	});

	it('gives the same forest whether its trees are fitted in one piece or in parts (as a worker pool would)', () => {
		const h = datasetHoldout('wine.csv', 'cultivar', 'classification', 5);
		const params = { ...defaultParams('forest', 'classification'), nTrees: 12, oobScore: true };
		const whole = fitClassic({ family: 'forest', params }, h.xTrain, h.nTrain, h.d, h.yTrain, 'classification', 3, { seed: 5 }) as ForestModel;
		const seeds = forestTreeSeeds(5, 12);
		const parts = [seeds.slice(0, 5), seeds.slice(5)].map((s) => fitForestTrees(params, h.xTrain, h.nTrain, h.d, h.yTrain, 'classification', 3, s, { seed: 5 }));
		const joined = combineForest(parts, h.yTrain);
		expect(joined.trees).toEqual(whole.trees);
		expect(joined.oobScore).toBe(whole.oobScore);
		expect(Array.from(importances(joined)!)).toEqual(Array.from(importances(whole)!));
		expect(whole.oobScore).toBeGreaterThan(0.85);
		expect(Array.from(predictClassic(joined, h.xTest, h.nTest))).toEqual(Array.from(predictClassic(whole, h.xTest, h.nTest)));
	});

	it('is reproducible from its seed and changes with it', () => {
		const h = datasetHoldout('iris.csv', 'species', 'classification', 2);
		const params = { ...defaultParams('forest', 'classification'), nTrees: 10 };
		const fit = (seed: number) => fitClassic({ family: 'forest', params }, h.xTrain, h.nTrain, h.d, h.yTrain, 'classification', 3, { seed }) as ForestModel;
		expect(fit(3).trees).toEqual(fit(3).trees);
		expect(fit(3).trees).not.toEqual(fit(4).trees);
	});

	it('regresses penguin body mass better than the mean and reports an out-of-bag R²', () => {
		const h = datasetHoldout('penguins.csv', 'body_mass_g', 'regression', 1);
		const params = { ...defaultParams('forest', 'regression'), nTrees: 40, oobScore: true };
		const model = fitClassic({ family: 'forest', params }, h.xTrain, h.nTrain, h.d, h.yTrain, 'regression', 0, { seed: 1 }) as ForestModel;
		expect(r2(predictClassic(model, h.xTest, h.nTest), h.yTest)).toBeGreaterThan(0.75);
		expect(model.oobScore).toBeGreaterThan(0.7);
	});

	it('stops when cancelled', () => {
		const h = datasetHoldout('iris.csv', 'species', 'classification', 2);
		const controller = new AbortController();
		const run = () =>
			fitClassic({ family: 'forest', params: defaultParams('forest', 'classification') }, h.xTrain, h.nTrain, h.d, h.yTrain, 'classification', 3, {
				seed: 1,
				signal: controller.signal,
				onProgress: (fraction) => fraction >= 0.1 && controller.abort()
			});
		expect(run).toThrow(expect.objectContaining({ name: 'AbortError' }));
	});
});
