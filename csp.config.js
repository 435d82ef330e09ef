/**
 * Kiln's Content-Security-Policy, in one place: SvelteKit writes it into every page (with the
 * hashes of its inline bootstrap), vite's servers and static/_headers send it with worker
 * scripts (a page's <meta> policy does not govern workers, their own response does).
 * 'wasm-unsafe-eval' lets WebAssembly compile; nothing else is evaluated. Workers may be
 * blob: URLs because the threaded WebAssembly backend starts its threads that way.
 */
export const CSP_DIRECTIVES = {
	'default-src': ['self'],
	'script-src': ['self', 'wasm-unsafe-eval'],
	'worker-src': ['self', 'blob:'],
	'connect-src': ['self'],
	'img-src': ['self', 'data:', 'blob:'],
	'media-src': ['self', 'blob:'],
	'style-src': ['self'],
	// The one inline style attribute SvelteKit renders: its route announcer (hash of its value).
	'style-src-attr': ['unsafe-hashes', 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='],
	'font-src': ['self'],
	'object-src': ['none'],
	'base-uri': ['self'],
	'form-action': ['self']
};

/**
 * The policy as a header value (keywords quoted), for worker scripts. The threaded WebAssembly
 * backend starts its threads from blob: URLs that load their code with importScripts(blob:),
 * so workers (only) may run blob: scripts they created themselves.
 */
export function cspHeader() {
	/** @param {string} v */
	const quoted = (v) => (['self', 'none', 'wasm-unsafe-eval', 'unsafe-inline', 'unsafe-hashes'].includes(v) || v.startsWith('sha256-') ? `'${v}'` : v);
	const directives = { ...CSP_DIRECTIVES, 'script-src': [...CSP_DIRECTIVES['script-src'], 'blob:'] };
	return Object.entries(directives)
		.map(([name, values]) => `${name} ${values.map(quoted).join(' ')}`)
		.join('; ');
}
