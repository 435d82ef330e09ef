import { describe, expect, it } from 'vitest';
import type { StoredColumn } from '$lib/db';
import type { ProfileWarning } from '$workers/lib/data/profile/types';
import { startingPipeline } from './starting-pipeline';

const columns = [
	{ name: 'name', kind: 'categorical' },
	{ name: 'age', kind: 'numeric' },
	{ name: 'sex', kind: 'categorical' },
	{ name: 'survived', kind: 'categorical' }
] as StoredColumn[];
const pii: ProfileWarning = { kind: 'pii', column: 'name', message: 'Column "name" looks like it holds people\'s names.', pii: 'name' };

describe('a new pipeline', () => {
	it('encodes every column but the target the built-in way', () => {
		expect(startingPipeline({ columns }, 'survived').features).toEqual([
			{ kind: 'one-hot', column: 'name', maxCategories: 64, other: false, missing: 'mode' },
			{ kind: 'scale', column: 'age', method: 'standard' },
			{ kind: 'one-hot', column: 'sex', maxCategories: 64, other: false, missing: 'mode' }
		]);
	});

	it('leaves out what the profile flags, as a first model does', () => {
		expect(startingPipeline({ columns, details: { warnings: [pii] } as never }, 'survived').features.map((f) => f.column)).toEqual(['age', 'sex']);
	});
});
