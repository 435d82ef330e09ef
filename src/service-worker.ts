/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { base, build, files, prerendered, version } from '$service-worker';
import { cspHeader } from '../csp.config.js';
import { CACHE_PREFIX, OFFLINE_FILE_LIST, cacheName, isImmutable, isWorkerScript, listedFiles, reusable, strategyFor, withIsolation } from '$lib/offline/sw-rules';

/**
 * Kiln offline (docs/recipes.md §6): after one visit every page, script, WebAssembly file and demo
 * dataset of this version is in the cache, so the studio works with the network off. Responses
 * it serves carry COOP/COEP, so the studio stays cross-origin isolated (wasm threads) from the
 * cache and on hosts that send no headers — from the second load on: the first, uncontrolled
 * load runs single-threaded, by design, rather than being reloaded.
 */
const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = cacheName(version);
const PRECACHED = new Set([...build, ...files, ...prerendered]);
const WORKER_POLICY = cspHeader();

/** Worker bundles and their wasm, listed by the build (absent in dev, where nothing is precached). */
async function workerFiles(): Promise<string[]> {
	try {
		const response = await fetch(`${base}/${OFFLINE_FILE_LIST}`, { cache: 'no-cache' });
		return response.ok ? listedFiles(await response.json(), base) : [];
	} catch {
		return [];
	}
}

async function install(): Promise<void> {
	for (const path of await workerFiles()) PRECACHED.add(path);
	const cache = await caches.open(CACHE);
	// Hashed files of an earlier version that this one still lists are copied, not downloaded again.
	const copied = new Set<string>();
	for (const name of await caches.keys()) {
		if (name === CACHE || !name.startsWith(CACHE_PREFIX)) continue;
		const old = await caches.open(name);
		const byPath = new Map((await old.keys()).map((r) => [new URL(r.url).pathname, r]));
		for (const path of reusable(byPath.keys(), PRECACHED, base)) {
			if (copied.has(path)) continue;
			const response = await old.match(byPath.get(path)!);
			if (response) {
				await cache.put(path, response);
				copied.add(path);
			}
		}
	}
	// 'no-cache' revalidates with the server, so a page is never precached from a stale HTTP cache.
	await cache.addAll([...PRECACHED].filter((path) => !copied.has(path)).map((path) => new Request(path, { cache: 'no-cache' })));
}

async function activate(): Promise<void> {
	for (const name of await caches.keys()) if (name !== CACHE && name.startsWith(CACHE_PREFIX)) await caches.delete(name);
	await sw.clients.claim();
}

const served = (request: Request, response: Response) => withIsolation(response, isWorkerScript(new URL(request.url).pathname, base) ? WORKER_POLICY : null);

async function cacheFirst(request: Request): Promise<Response> {
	const cache = await caches.open(CACHE);
	const hit = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
	if (hit) return served(request, hit);
	const response = await fetch(request);
	if (response.ok && isImmutable(new URL(request.url).pathname, base)) await cache.put(request, response.clone());
	return served(request, response);
}

async function networkFirst(request: Request): Promise<Response> {
	const cache = await caches.open(CACHE);
	const path = new URL(request.url).pathname;
	try {
		const response = await fetch(request);
		// Keep the newest copy of pages this version lists (their query, e.g. ?id=…, is not part of the key).
		if (response.ok && PRECACHED.has(path)) await cache.put(path, response.clone());
		return served(request, response);
	} catch (error) {
		const hit = await cache.match(path, { ignoreVary: true });
		if (hit) return served(request, hit);
		throw error;
	}
}

sw.addEventListener('install', (event) => event.waitUntil(install()));
sw.addEventListener('activate', (event) => event.waitUntil(activate()));
sw.addEventListener('fetch', (event) => {
	const strategy = strategyFor(event.request, location.origin, base, PRECACHED);
	if (strategy === 'pass') return;
	event.respondWith(strategy === 'cache-first' ? cacheFirst(event.request) : networkFirst(event.request));
});
