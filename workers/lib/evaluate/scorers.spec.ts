import { describe, expect, it } from 'vitest';
import { classificationReport } from './classification';
import { regressionReport } from './regression';
import { score } from './scorers';
import { binaryInput, multiclassInput, REGRESSION } from './sklearn-reference.spec-support';

describe('light scorers', () => {
	it('give the same numbers as the full reports', () => {
		for (const input of [binaryInput(), multiclassInput(), multiclassInput(true)]) {
			const r = classificationReport(input);
			const k = input.classes.length;
			expect(score('accuracy', input.truth, input.probabilities, k, input.weights)).toBeCloseTo(r.accuracy, 12);
			expect(score('balanced-accuracy', input.truth, input.probabilities, k, input.weights)).toBeCloseTo(r.balancedAccuracy, 12);
			expect(score('log-loss', input.truth, input.probabilities, k, input.weights)).toBeCloseTo(r.logLoss, 12);
			expect(score('auc', input.truth, input.probabilities, k, input.weights)).toBeCloseTo(r.auc!, 12);
		}
		const r = regressionReport(REGRESSION);
		expect(score('rmse', REGRESSION.truth, REGRESSION.predicted, 1, REGRESSION.weights)).toBeCloseTo(r.rmse, 12);
		expect(score('mae', REGRESSION.truth, REGRESSION.predicted, 1, REGRESSION.weights)).toBeCloseTo(r.mae, 12);
		expect(score('r2', REGRESSION.truth, REGRESSION.predicted, 1, REGRESSION.weights)).toBeCloseTo(r.r2, 12);
	});

	it('refuses an output of the wrong size', () => {
		expect(() => score('accuracy', [0, 1], new Float32Array(3), 2)).toThrow(/returned 3 numbers for 2 rows; expected 4/);
	});
});
