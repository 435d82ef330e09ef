import { describe, expect, it } from 'vitest';
import { classificationBaselines, regressionBaselines } from './baselines';
import { multiclassInput } from './sklearn-reference.spec-support';

describe('baselines', () => {
	it('majority predicts the most frequent training class with the class shares as probabilities', () => {
		const evaluated = multiclassInput();
		const train = [0, 0, 0, 1, 2, 2];
		const [majority, stratified] = classificationBaselines(train, evaluated, { seed: 1 });
		expect(majority.strategy).toBe('majority');
		// every evaluated row is predicted class 0; 4 of 12 truly are
		expect(majority.report.accuracy).toBeCloseTo(4 / 12, 12);
		expect(majority.report.aucMacro).toBe(0.5);
		// log loss of constant shares [1/2, 1/6, 1/3] on 4 rows of each class
		expect(majority.report.logLoss).toBeCloseTo(-(Math.log(1 / 2) + Math.log(1 / 6) + Math.log(1 / 3)) / 3, 6);
		expect(stratified.strategy).toBe('stratified');
		expect(stratified.report.confusion.counts.flat().reduce((a, b) => a + b, 0)).toBe(12);
		const again = classificationBaselines(train, evaluated, { seed: 1 });
		expect(again[1].report.confusion).toEqual(stratified.report.confusion);
	});

	it('stratified draws follow the training shares', () => {
		const truth = new Int32Array(20000);
		const probabilities = new Float32Array(40000).fill(0.5);
		const [s] = classificationBaselines([0, 1, 1, 1], { truth, probabilities, classes: ['a', 'b'] }, { strategies: ['stratified'], seed: 9 });
		// P(predict b) = 3/4, all rows are a → accuracy ≈ 1/4
		expect(s.report.accuracy).toBeGreaterThan(0.24);
		expect(s.report.accuracy).toBeLessThan(0.26);
	});

	it('mean and median baselines score an R² of at most 0', () => {
		const [mean, median] = regressionBaselines([1, 2, 3, 10], { truth: [2, 4, 6] });
		expect(mean.prediction).toBe(4);
		expect(median.prediction).toBe(2.5);
		expect(mean.report.r2).toBe(0); // the evaluated mean happens to be 4 as well
		expect(median.report.mae).toBeCloseTo((0.5 + 1.5 + 3.5) / 3, 12);
	});
});
