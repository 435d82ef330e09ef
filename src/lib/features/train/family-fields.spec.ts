import { describe, expect, it } from 'vitest';
import { parseParams, suitability, valuesFrom } from './family-fields';

describe('family settings', () => {
	it('parses the defaults of every classic family into specs the library accepts', () => {
		for (const choice of ['classic-linear', 'tree', 'forest', 'boosting', 'knn', 'naive-bayes'] as const) {
			const { spec, problems } = parseParams(choice, 'classification', valuesFrom(choice, 'classification'));
			expect(problems, choice).toEqual({});
			expect(spec).not.toBeNull();
		}
	});

	it('names each bad field with a message a person can act on', () => {
		const values = { ...valuesFrom('forest', 'classification'), nTrees: '0', maxFeatures: 'most', maxDepth: '2.5' };
		const { spec, problems } = parseParams('forest', 'classification', values);
		expect(spec).toBeNull();
		expect(problems.nTrees).toMatch(/whole number from 1 to 5000/);
		expect(problems.maxFeatures).toMatch(/all, sqrt, log2/);
		expect(problems.maxDepth).toMatch(/whole number, or leave it empty/);
	});

	it('reads empty as “no limit”, auto α, and the naive Bayes variant', () => {
		const boosting = parseParams('boosting', 'regression', { ...valuesFrom('boosting', 'regression'), maxLeafNodes: '', maxDepth: '4' }).spec!;
		expect(boosting.family === 'boosting' && [boosting.params.maxLeafNodes, boosting.params.maxDepth]).toEqual([null, 4]);
		const linear = parseParams('classic-linear', 'classification', { ...valuesFrom('classic-linear', 'classification'), penalty: 'elasticnet', alpha: '0.01', l1Ratio: '0.3' }).spec!;
		expect(linear).toMatchObject({ family: 'linear', params: { penalty: 'elasticnet', alpha: 0.01, l1Ratio: 0.3 } });
		expect(parseParams('naive-bayes', 'classification', { ...valuesFrom('naive-bayes', 'classification'), variant: 'categorical' }).spec!.family).toBe('categorical-nb');
	});

	it('says before training when a family cannot serve the data, or what it will do', () => {
		const facts = { rows: 1000, classes: 0, task: 'regression' as const, split: { holdoutFraction: 0.2, validationFraction: 0.2 } };
		const nb = parseParams('naive-bayes', 'classification', valuesFrom('naive-bayes', 'classification')).spec!;
		expect(suitability(nb, facts).block).toMatch(/Naive Bayes only predicts classes/);
		const knn = parseParams('knn', 'classification', { ...valuesFrom('knn', 'classification'), maxTrainRows: '500' }).spec!;
		expect(suitability(knn, { ...facts, task: 'classification', classes: 3 }).note).toMatch(/sample of 500 of the about 640 training rows/);
		expect(parseParams('knn', 'classification', { ...valuesFrom('knn', 'classification'), maxTrainRows: '500000' }).problems.maxTrainRows).toMatch(/At most 100,000/);
	});
});
