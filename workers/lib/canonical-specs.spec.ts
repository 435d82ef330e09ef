import { expect, it } from 'vitest';
import { canonicalSpecs } from './canonical-specs';

it('keeps each spec as it was, with its own shape array, after a structured clone', () => {
	const stored = structuredClone([
		{ name: 'dense/kernel', shape: [64, 45], dtype: 'float32' as const },
		{ name: 'step', shape: [], dtype: 'int32' as const, group: 'optimizer' }
	]);
	const specs = canonicalSpecs(stored);
	expect(specs).toEqual(stored);
	expect(specs[0].shape).not.toBe(stored[0].shape);
	expect(specs.map((s) => s.dtype)).toEqual(['float32', 'int32']);
});

it('leaves a spec without a dtype without one', () => {
	expect(canonicalSpecs([{ name: 'w', shape: [2] }])).toEqual([{ name: 'w', shape: [2] }]);
});

it('passes an unknown dtype through as it was, not a property of its lookup table', () => {
	expect(canonicalSpecs([{ name: 'w', shape: [1], dtype: 'toString' }])[0].dtype).toBe('toString');
});
