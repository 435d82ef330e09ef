import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { summaryText } from './summary';

describe('a project’s line in the list', () => {
	it('names its data, its runs and the model in use', () => {
		const config = { ...DEFAULT_CONFIG, target: 'class', task: 'classification' as const, features: ['x'] };
		const metrics = { task: 'classification' as const, accuracy: 0.9722, macroF1: 0.97, classes: ['a'], confusion: [[1]], support: 36 };
		expect(summaryText({ locked: false, runs: 2, dataset: { name: 'wine.csv', rows: 1780 }, model: { config, metrics } })).toBe('wine.csv, 1,780 rows · 2 runs · in use: MLP 32-16, accuracy 0.972');
		expect(summaryText({ locked: false, runs: 0 })).toBe('no data yet');
		expect(summaryText({ locked: true, runs: 0 })).toBe('locked');
	});
});
