import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { softmaxRows } from './softmax-rows';

/** The earlier array-based form, kept here as the reference: the loops must give the very same numbers. */
function reference(logits: Float32Array, width: number): number[][] {
	const result: number[][] = [];
	for (let r = 0; r < logits.length / width; r++) {
		const row = Array.from(logits.subarray(r * width, (r + 1) * width));
		const max = Math.max(...row);
		const exps = row.map((v) => Math.exp(v - max));
		const sum = exps.reduce((a, b) => a + b, 0);
		result.push(exps.map((e) => e / sum));
	}
	return result;
}

describe('softmaxRows', () => {
	it('gives bit-identical probabilities to the array-based form', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 }), fc.array(fc.float({ min: -80, max: 80, noNaN: true }), { minLength: 60, maxLength: 60 }), (width, rows, values) => {
				const logits = Float32Array.from(values.slice(0, width * rows));
				expect(softmaxRows(logits, width)).toEqual(reference(logits, width));
			}),
			{ numRuns: 500 }
		);
	});
});
