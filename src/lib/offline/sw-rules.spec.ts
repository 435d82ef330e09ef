import { describe, expect, it } from 'vitest';
import { cspHeader } from '../../../csp.config.js';
import { cacheName, reusable, strategyFor, withIsolation } from './sw-rules';

const origin = 'https://kiln.example';
const base = '/sub';
const precached = new Set(['/sub/', '/sub/share/', '/sub/datasets/iris.csv', '/sub/_app/immutable/entry/start.abc.js']);
const get = (path: string, extra: Partial<{ method: string; mode: string; destination: string }> = {}) => ({ method: 'GET', url: `${origin}${path}`, mode: 'cors', destination: '', ...extra });

describe('service worker rules', () => {
	it('answer only same-origin GETs, pages from the network first, hashed and precached files from the cache', () => {
		expect(strategyFor(get('/sub/share/', { mode: 'navigate', destination: 'document' }), origin, base, precached)).toBe('network-first');
		expect(strategyFor(get('/sub/_app/immutable/workers/ml.worker-1.js', { destination: 'worker' }), origin, base, precached)).toBe('cache-first');
		expect(strategyFor(get('/sub/_app/immutable/assets/tfjs-backend-wasm-simd.x1.wasm'), origin, base, precached)).toBe('cache-first');
		expect(strategyFor(get('/sub/datasets/iris.csv'), origin, base, precached)).toBe('cache-first');
		expect(strategyFor(get('/sub/_app/version.json'), origin, base, precached)).toBe('network-first');
		expect(strategyFor(get('/sub/', { mode: 'cors' }), origin, base, precached)).toBe('network-first');
		expect(strategyFor({ ...get('/sub/datasets/iris.csv'), method: 'POST' }, origin, base, precached)).toBe('pass');
		expect(strategyFor({ ...get('/x'), url: 'https://elsewhere.example/x' }, origin, base, precached)).toBe('pass');
	});

	it('carry over only hashed files the new version still lists', () => {
		const wanted = new Set(['/sub/_app/immutable/a.1.js', '/sub/', '/sub/datasets/iris.csv']);
		expect(reusable(['/sub/_app/immutable/a.1.js', '/sub/_app/immutable/gone.2.js', '/sub/', '/sub/datasets/iris.csv'], wanted, base)).toEqual(['/sub/_app/immutable/a.1.js']);
		expect(cacheName('123')).toBe('kiln-offline-123');
	});

	it('add cross-origin isolation headers, and the worker policy to worker scripts, keeping the body', async () => {
		const original = new Response('hello', { status: 200, statusText: 'OK', headers: { 'content-type': 'text/javascript' } });
		const served = withIsolation(original, cspHeader());
		expect(served.headers.get('cross-origin-opener-policy')).toBe('same-origin');
		expect(served.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
		expect(served.headers.get('cross-origin-resource-policy')).toBe('same-origin');
		expect(served.headers.get('content-security-policy')).toBe(cspHeader());
		expect(served.headers.get('content-type')).toBe('text/javascript');
		expect(await served.text()).toBe('hello');
		expect(withIsolation(new Response('page'), null).headers.has('content-security-policy')).toBe(false);
		expect(withIsolation(new Response(null, { status: 304 }), null).status).toBe(304);
	});
});
