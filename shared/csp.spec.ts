import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSP_DIRECTIVES, cspHeader } from '../csp.config.js';

describe('Content-Security-Policy', () => {
	it('is the same in static/_headers (workers) as in the pages', () => {
		const headers = readFileSync(new URL('../static/_headers', import.meta.url), 'utf8');
		expect(headers).toContain(`Content-Security-Policy: ${cspHeader()}`);
		expect(cspHeader()).toContain("script-src 'self' 'wasm-unsafe-eval' blob:");
	});

	it('allows no inline or evaluated script and no other origin', () => {
		expect(CSP_DIRECTIVES['script-src']).toEqual(['self', 'wasm-unsafe-eval']);
		expect(CSP_DIRECTIVES['connect-src']).toEqual(['self']);
		expect(Object.values(CSP_DIRECTIVES).flat().some((v) => v.includes('unsafe-inline') || v === 'unsafe-eval' || v.startsWith('http'))).toBe(false);
		// The page itself may not run blob: scripts; only workers may (their threads need it).
		expect(CSP_DIRECTIVES['script-src']).not.toContain('blob:');
	});
});
