import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Every page is prerendered to an HTML shell and runs client-side only, so `build/`
		// can be copied to any static host. Relative asset paths let the same build work
		// under a sub-path; BASE_PATH is only needed for hosts that rewrite URLs.
		adapter: adapter({ pages: 'build', assets: 'build', strict: true }),
		paths: { base: process.env.BASE_PATH ?? '', relative: true },
		alias: { $workers: 'workers', $shared: 'shared' }
	}
};

export default config;
