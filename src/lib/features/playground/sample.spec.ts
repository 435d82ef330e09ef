import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SAMPLE_MODEL } from './playground.svelte';

describe('the playground sample', () => {
	it('is the ONNX model the playground e2e fixture spec checks (same bytes)', () => {
		const shipped = readFileSync(new URL(`../../../../static/models/samples/${SAMPLE_MODEL}`, import.meta.url));
		const fixture = readFileSync(new URL('../../../../tests/e2e/fixtures/iris-mlp.onnx', import.meta.url));
		expect(shipped.length).toBeGreaterThan(1000);
		expect(shipped.equals(fixture)).toBe(true);
	});
});
