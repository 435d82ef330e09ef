/**
 * The service worker's decisions as plain functions (no worker globals), so they are tested in
 * Node: which strategy a request gets, which cached files survive a new version, and the headers
 * every response served through the worker carries.
 */

export const CACHE_PREFIX = 'kiln-offline-';
/** Written by the build (vite.config.ts): every hashed file, workers and their wasm included. */
export const OFFLINE_FILE_LIST = '_app/offline-files.json';
export const cacheName = (version: string) => `${CACHE_PREFIX}${version}`;

/** Content-hashed build output: one URL always holds the same bytes, so it never needs refetching. */
export const isImmutable = (pathname: string, base: string) => pathname.startsWith(`${base}/_app/immutable/`);
export const isWorkerScript = (pathname: string, base: string) => pathname.startsWith(`${base}/_app/immutable/workers/`) && pathname.endsWith('.js');

export type Strategy = 'pass' | 'cache-first' | 'network-first';

export interface RequestInfo {
	method: string;
	url: string;
	mode: string;
	destination: string;
}

/**
 * - pass: not ours to answer (other origins, non-GET, ranges of media) — the browser fetches as usual;
 * - cache-first: hashed files and the files this version precached (static/ is versioned with it);
 * - network-first: pages and anything unlisted, falling back to the cache offline, so a deploy is
 *   seen at once online and the last version keeps working offline.
 */
export function strategyFor(request: RequestInfo, origin: string, base: string, precached: ReadonlySet<string>): Strategy {
	if (request.method !== 'GET') return 'pass';
	const url = new URL(request.url);
	if (url.origin !== origin) return 'pass';
	if (request.mode === 'navigate' || request.destination === 'document') return 'network-first';
	if (isImmutable(url.pathname, base)) return 'cache-first';
	if (precached.has(url.pathname) && !url.pathname.endsWith('.html') && !url.pathname.endsWith('/')) return 'cache-first';
	return 'network-first';
}

/** The build's file list → paths under the base; anything but a list of app paths is ignored. */
export function listedFiles(list: unknown, base: string): string[] {
	if (!Array.isArray(list)) return [];
	return list.filter((f): f is string => typeof f === 'string' && f.startsWith('_app/immutable/') && !f.includes('..')).map((f) => `${base}/${f}`);
}

/** Which entries of an older version's cache to copy instead of downloading again. */
export function reusable(oldPaths: Iterable<string>, wanted: ReadonlySet<string>, base: string): string[] {
	const out: string[] = [];
	for (const path of oldPaths) if (wanted.has(path) && isImmutable(path, base)) out.push(path);
	return out;
}

// A status that must not carry a body (Response throws on one).
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * The response with cross-origin isolation headers (COOP/COEP, and CORP so it may be embedded
 * under require-corp), so wasm threads keep working when Kiln is served from this cache or by a
 * host that sends no headers; worker scripts also get Kiln's policy, which a page's <meta> tag
 * does not give them. Opaque and redirect responses cannot be rebuilt and pass unchanged.
 */
export function withIsolation(response: Response, workerPolicy: string | null): Response {
	if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
	const headers = new Headers(response.headers);
	headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
	headers.set('Cross-Origin-Resource-Policy', 'same-origin');
	if (workerPolicy) headers.set('Content-Security-Policy', workerPolicy);
	return new Response(NULL_BODY.has(response.status) ? null : response.body, { status: response.status, statusText: response.statusText, headers });
}
