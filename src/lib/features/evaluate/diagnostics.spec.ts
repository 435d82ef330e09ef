import { describe, expect, it } from 'vitest';
import type { ClassificationMetrics } from '$workers/protocol';
import { singlePredictedClass } from './diagnostics';

const metrics = (confusion: number[][]): ClassificationMetrics => ({ task: 'classification', accuracy: 0, macroF1: 0, classes: confusion.map((_, i) => String(i)), confusion, support: confusion.flat().reduce((a, b) => a + b, 0) });

describe('a classifier that predicts one class', () => {
	it('is named when every holdout row got the same class', () => {
		expect(singlePredictedClass(metrics([[0, 5, 0], [0, 4, 0], [0, 6, 0]]))).toBe('1');
	});

	it('is not when predictions vary, or when the holdout holds one true class', () => {
		expect(singlePredictedClass(metrics([[4, 1], [0, 5]]))).toBeNull();
		expect(singlePredictedClass(metrics([[0, 5], [0, 0]]))).toBeNull();
	});
});
