import { describe, expect, it } from 'vitest';
import type { ProfileWarning } from '$workers/lib/data/profile/types';
import { leftOutColumns, leftOutText } from './left-out';

const warn = (kind: ProfileWarning['kind'], column?: string): ProfileWarning => ({ kind, column, message: '' });

describe('columns a new model leaves out by default', () => {
	it('are the identifiers, personal data and constant columns among the features, in feature order', () => {
		const warnings = [warn('pii', 'name'), warn('constant', 'pixel0'), warn('leakage', 'wage'), warn('id-like', 'ticket'), warn('high-missing', 'cabin'), warn('duplicates'), warn('pii', 'survived')];
		const leftOut = leftOutColumns(warnings, ['age', 'ticket', 'name', 'wage', 'cabin', 'pixel0']);
		expect(leftOut).toEqual([
			{ column: 'ticket', reason: 'an identifier' },
			{ column: 'name', reason: 'personal data' },
			{ column: 'pixel0', reason: 'one value only' }
		]);
		// The target ('survived') is not a feature; leakage and missing values stay the person's call.
		expect(leftOutText(leftOut)).toBe('ticket (an identifier), name (personal data), pixel0 (one value only)');
	});

	it('are none when every feature is flagged: the person chooses', () => {
		expect(leftOutColumns([warn('pii', 'email'), warn('id-like', 'id')], ['email', 'id'])).toEqual([]);
	});

	it('are none without a profile (a dataset imported before profiles were stored)', () => {
		expect(leftOutColumns(undefined, ['a', 'b'])).toEqual([]);
	});
});
