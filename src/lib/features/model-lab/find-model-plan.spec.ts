import { describe, expect, it } from 'vitest';
import { planSearch, recommend } from './find-model-plan';

describe('planSearch', () => {
	it('tries every classic family on a small classification set, simplest first, and says why', () => {
		const plan = planSearch({ rows: 150, numericColumns: 4, categoricalColumns: 0, classes: 3, task: 'classification' });
		expect(plan.families).toEqual(['linear', 'gaussian-nb', 'tree', 'knn', 'forest', 'boosting', 'mlp']);
		expect(plan.reasons[0]).toMatch(/150 rows × 4 columns: few rows/);
		expect(plan.reasons.join(' ')).toMatch(/MLP\) last, on a small budget: 32-16 ReLU, Adam, 30 epochs/);
		expect(plan.reasons.join(' ')).toMatch(/built-in encoding/);
		expect(plan.skipped).toEqual([]);
		expect(plan.pipelineId).toBeUndefined();
		// Few rows: the folds are dealt three times, and the reasons say so.
		expect(plan.repeats).toBe(3);
		expect(plan.reasons.join(' ')).toMatch(/Under 1,000 rows the 5 folds are dealt 3 times \(15 fits per family\)/);
	});

	it('runs on the Prepare pipeline when there is one, and says so', () => {
		const plan = planSearch({ rows: 150, numericColumns: 4, categoricalColumns: 0, classes: 3, task: 'classification' }, 3, { id: 'pipe-1', name: 'Clean', version: 2 });
		expect(plan.pipelineId).toBe('pipe-1');
		expect(plan.reasons.join(' ')).toMatch(/through the Prepare pipeline “Clean” version 2, fitted on each fold's training rows/);
	});

	it('leaves out naive Bayes for numbers, kNN on large data and boosting with too many classes', () => {
		expect(planSearch({ rows: 500, numericColumns: 3, categoricalColumns: 1, classes: 0, task: 'regression' }).families).toEqual(['linear', 'tree', 'knn', 'forest', 'boosting', 'mlp']);
		const big = planSearch({ rows: 200_000, numericColumns: 2, categoricalColumns: 5, classes: 150, task: 'classification' });
		expect(big.families).toEqual(['linear', 'categorical-nb', 'tree', 'forest']);
		expect(big.repeats).toBe(1);
		expect(big.reasons.join(' ')).not.toMatch(/dealt/);
		expect(big.skipped.find((s) => s.family === 'mlp')!.why).toMatch(/Above 50,000 rows 5 folds of epochs/);
		expect(big.skipped.find((s) => s.family === 'knn')!.why).toMatch(/Above 20,000 rows/);
		expect(big.skipped.find((s) => s.family === 'boosting')!.why).toMatch(/150 classes/);
	});
});

describe('recommend', () => {
	const order = ['linear', 'gaussian-nb', 'tree', 'knn', 'forest', 'boosting', 'mlp'] as const;

	it('takes the simplest family within one standard error of the best mean (std / √folds of the leader)', () => {
		// Leader MLP 0.99 ± 0.02 over 5 folds: SE 0.0089, so linear at 0.982 is within, knn at 0.98 is not.
		const results = [
			{ family: 'mlp' as const, mean: 0.99, std: 0.02 },
			{ family: 'knn' as const, mean: 0.98, std: 0.01 },
			{ family: 'linear' as const, mean: 0.982, std: 0.03 }
		];
		const r = recommend(order, results, 5)!;
		expect(r.leader).toBe('mlp');
		expect(r.family).toBe('linear');
		expect(r.margin).toBeCloseTo(0.02 / Math.sqrt(5), 12);
		// A clear lead keeps the leader.
		expect(recommend(order, [{ family: 'forest', mean: 0.95, std: 0.01 }, { family: 'linear', mean: 0.9, std: 0.01 }], 5)!.family).toBe('forest');
		// Folds that all agree (std 0): only an equal mean ties, and the simpler family wins the tie.
		expect(recommend(order, [{ family: 'boosting', mean: 0.9, std: 0 }, { family: 'tree', mean: 0.9, std: 0 }, { family: 'knn', mean: 0.89, std: 0 }], 3)!.family).toBe('tree');
		expect(recommend(order, [], 5)).toBeNull();
	});

	it('says what it does in the reasons', () => {
		expect(planSearch({ rows: 150, numericColumns: 4, categoricalColumns: 0, classes: 3, task: 'classification' }).reasons.join(' ')).toMatch(/recommends the simplest family \(the earliest in the order they are tried: logistic regression, Gaussian naive Bayes, decision tree, k-nearest neighbours, random forest, gradient boosting, neural network \(MLP\)\) whose mean is within one standard error of the best mean/);
	});
});
