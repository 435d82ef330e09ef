import { describe, expect, it } from 'vitest';
import { reportedHeadline } from './recipe-format';

describe('reportedHeadline', () => {
	it('shows the figures train.py measured, and says so when there is none', () => {
		expect(reportedHeadline({ task: 'classification', accuracy: 0.96666 })).toBe('accuracy 0.967');
		expect(reportedHeadline({ task: 'regression', rmse: 12.5 })).toBe('RMSE 12.500');
		expect(reportedHeadline({ task: 'regression', rmse: 'NaN', note: null })).toBe('no figure');
	});
});
