import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TYPE_LABELS, TYPES } from './types';

describe('type-options.svelte', () => {
	it('lists every type of types.ts in its order, with its label', () => {
		const source = readFileSync(new URL('./type-options.svelte', import.meta.url), 'utf8');
		const options = [...source.matchAll(/<option value="([^"]+)">([^<]+)<\/option>/g)].map((m) => [m[1], m[2]]);
		expect(options).toEqual(TYPES.map((t) => [t, TYPE_LABELS[t]]));
	});
});
