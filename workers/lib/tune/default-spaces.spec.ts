import { describe, expect, it } from 'vitest';
import { DEFAULT_SPACES, familyDefaults } from './default-spaces';
import { validateSpace } from './space';

describe('default search spaces', () => {
	it('has a valid default space for every family the lead named', () => {
		for (const family of ['linear', 'mlp', 'classic-linear', 'tree', 'forest', 'boosting', 'knn', 'naive-bayes']) {
			expect(() => validateSpace(DEFAULT_SPACES[family].space)).not.toThrow();
		}
		const copy = familyDefaults('mlp');
		copy.space.learningRate = { type: 'float', low: 0.1, high: 0.2 };
		expect(DEFAULT_SPACES.mlp.space.learningRate).toMatchObject({ low: 1e-4 });
		expect(() => familyDefaults('svm')).toThrow(/no default search space for the model family "svm"/);
	});
});
