import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { CSP_DIRECTIVES } from './csp.config.js';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Every page is prerendered to an HTML shell and runs client-side only, so `build/`
		// can be copied to any static host. Relative asset paths let the same build work
		// under a sub-path; BASE_PATH is only needed for hosts that rewrite URLs.
		adapter: adapter({ pages: 'build', assets: 'build', strict: true }),
		paths: { base: process.env.BASE_PATH ?? '', relative: true },
		alias: { $workers: 'workers', $shared: 'shared' },
		// The browser enforces that nothing leaves the origin: SvelteKit puts this policy in each
		// page's <meta> with hashes of its own inline bootstrap script (no other inline script).
		csp: { mode: 'hash', directives: CSP_DIRECTIVES }
	}
};

export default config;
