import { describe, expect, it } from 'vitest';
import type { Preprocessing } from '$workers/protocol';
import { aggregateAttributions, featureGroups } from './groups';

describe('feature groups', () => {
	it('maps each original column to its encoded inputs, one-hot blocks together', () => {
		const prep: Preprocessing = {
			features: [
				{ name: 'age', kind: 'numeric', mean: 40, std: 10 },
				{ name: 'city', kind: 'categorical', categories: ['Oslo', 'Lima', 'Pune'], fill: 0 },
				{ name: 'income', kind: 'numeric', mean: 5, std: 2 }
			],
			target: { name: 'y', task: 'classification', classes: ['a', 'b'] },
			inputSize: 5
		};
		expect(featureGroups(prep)).toEqual([
			{ name: 'age', kind: 'numeric', indices: [0], mean: 40, std: 10 },
			{ name: 'city', kind: 'categorical', indices: [1, 2, 3], categories: ['Oslo', 'Lima', 'Pune'] },
			{ name: 'income', kind: 'numeric', indices: [4], mean: 5, std: 2 }
		]);
	});

	it('sums one-hot attributions back to their column', () => {
		const attr = Float32Array.from([0.1, 0.2, 0.3, 0.4, 1, 2, 3, 4]);
		const groups = [
			{ name: 'num', indices: [0] },
			{ name: 'cat', indices: [1, 2, 3] }
		];
		expect(Array.from(aggregateAttributions(attr, 4, groups))).toEqual([0.1, 0.9, 1, 9].map((v) => expect.closeTo(v, 6)));
		expect(() => aggregateAttributions(attr, 4, [{ name: 'bad', indices: [4] }])).toThrow(/inputs 0 to 3/);
	});

	it('refuses an input claimed by two columns', () => {
		expect(() => aggregateAttributions(new Float32Array(2), 2, [{ name: 'a', indices: [0, 1] }, { name: 'b', indices: [1] }])).toThrow(/Input 1 belongs to both "a" and "b"/);
	});
});
