import { describe, expect, it } from 'vitest';
import { checkPassed, checkSentence, classicOnnx, classicOnnxNote, formatDiff, formatMetric, shippedBytes } from './export-format';

describe('export formatting', () => {
	it('writes metrics, differences and the check', () => {
		expect(formatMetric('accuracy', 0.9667)).toBe('96.7%');
		expect(formatMetric('rmse', 0.123456)).toBe('0.1235');
		expect(formatMetric('rmse', undefined)).toBe('—');
		expect(formatDiff(0)).toBe('0');
		expect(formatDiff(2.4e-7)).toBe('2.4e-7');
		const check = { runtime: 'ORT', rows: 30, compared: 'probabilities' as const, maxAbsDiff: 3e-3, agreed: 30 };
		expect(checkPassed(check, 'float32')).toBe(false);
		expect(checkPassed(check, 'int8')).toBe(true);
		expect(checkPassed({ ...check, agreed: 29 }, 'int8')).toBe(false);
		expect(checkSentence(check)).toBe('Run in ORT on the 30 holdout rows: the same label as the tfjs model on 30 of 30 (100%); largest difference in a class probability 3.0e-3.');
	});

	it('plots a variant at its smallest shipped file', () => {
		const m = (deflatedBytes: number) => ({ runtime: 'tfjs' as const, backend: 'cpu', fileBytes: 1, deflatedBytes, metric: 1, batch1Ms: 1, batch256Ms: 1 });
		expect(shippedBytes({ id: 'a', label: 'a', params: 1, nonZero: 1, metricName: 'accuracy', tfjs: m(500), onnx: m(400) })).toBe(400);
		expect(shippedBytes({ id: 'a', label: 'a', params: 1, nonZero: 1, metricName: 'accuracy', tfjs: m(500) })).toBe(500);
	});

	it('names the classic families ONNX cannot hold', () => {
		expect(['linear', 'tree', 'forest', 'boosting'].every(classicOnnx)).toBe(true);
		expect(classicOnnx('knn') || classicOnnx('gaussian-nb') || classicOnnx('categorical-nb')).toBe(false);
		expect(classicOnnxNote('knn')).toMatch(/k-nearest neighbours model cannot be exported to ONNX/);
		expect(classicOnnxNote('categorical-nb')).toMatch(/naive Bayes model cannot/);
		expect(checkSentence({ runtime: 'ORT', rows: 2, compared: 'prediction', maxAbsDiff: 0, agreed: 2 }, 'Kiln’s own model')).toMatch(/same prediction as Kiln’s own model/);
	});
});
