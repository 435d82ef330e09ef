import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin, Connect } from 'vite';
import { defineConfig } from 'vitest/config';
import { cspHeader } from './csp.config.js';
import { OFFLINE_FILE_LIST } from './src/lib/offline/sw-rules';

/**
 * WASM threads need SharedArrayBuffer, which browsers only grant to cross-origin isolated
 * pages. SvelteKit ignores `preview.headers`, so the headers are added by middleware.
 */
function crossOriginIsolation(): Plugin {
	const setHeaders = (workerCsp: boolean): Connect.NextHandleFunction => (req, res, next) => {
		res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
		res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
		res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
		// Workers get their policy from their own response, as static/_headers gives it on hosts.
		if (workerCsp && req.url?.includes('/_app/immutable/workers/')) res.setHeader('Content-Security-Policy', cspHeader());
		next();
	};
	return {
		name: 'kiln-cross-origin-isolation',
		configureServer: (server) => void server.middlewares.use(setHeaders(false)),
		configurePreviewServer: (server) => void server.middlewares.use(setHeaders(true))
	};
}

/**
 * Worker bundles and the WebAssembly files they import are not in SvelteKit's `$service-worker`
 * `build` list, so the client build also writes the list of every hashed file it emitted, which
 * the service worker precaches (src/service-worker.ts).
 */
function offlineFileList(): Plugin {
	let ssr = false;
	return {
		name: 'kiln-offline-file-list',
		apply: 'build',
		configResolved: (config) => void (ssr = !!config.build.ssr),
		generateBundle: {
			order: 'post',
			handler(_options, bundle) {
				if (ssr) return;
				// ORT's WebGPU build (26 MB) is cached when first used, not installed with the app.
				const files = Object.keys(bundle).filter((f) => f.startsWith('_app/immutable/') && !f.includes('asyncify')).sort();
				this.emitFile({ type: 'asset', fileName: OFFLINE_FILE_LIST, source: JSON.stringify(files) });
			}
		}
	};
}

/**
 * `virtual:kiln-derive-script`: the studio's expression engine (workers/lib/share/derive-engine.ts
 * and the expression parser, checker and evaluator it imports) bundled into one self-contained
 * script, as text. Standalone demo pages embed it so a derived column is computed by the very code
 * the studio runs, not a hand-copied second evaluator (the other link runtimes are embedded with
 * `toString()`, which only works for code without imports).
 */
function deriveScript(): Plugin {
	const id = 'virtual:kiln-derive-script';
	const root = fileURLToPath(new URL('.', import.meta.url));
	return {
		name: 'kiln-derive-script',
		resolveId: (source) => (source === id ? `\0${id}` : null),
		async load(resolved) {
			if (resolved !== `\0${id}`) return null;
			const { rolldown } = await import('rolldown');
			const bundle = await rolldown({ input: `${root}workers/lib/share/derive-engine.ts`, platform: 'browser', resolve: { alias: { $workers: `${root}workers`, $shared: `${root}shared` } }, logLevel: 'warn' });
			try {
				const { output } = await bundle.generate({ format: 'iife', name: 'kilnDeriveBundle', minify: true });
				for (const file of await bundle.watchFiles) this.addWatchFile(file);
				return `export default ${JSON.stringify(output[0].code)};`;
			} finally {
				await bundle.close();
			}
		}
	};
}

/** Kiln's version and its ML libraries' versions, for a run's reproducibility manifest (picked here, at build time). */
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string; dependencies: Record<string, string> };
const mlLibraries = Object.fromEntries(Object.entries(pkg.dependencies).filter(([name]) => name.startsWith('@tensorflow/') || name === 'onnxruntime-web'));

export default defineConfig({
	plugins: [sveltekit(), crossOriginIsolation(), offlineFileList(), deriveScript()],
	define: { __KILN_VERSION__: JSON.stringify(pkg.version), __KILN_ML_LIBRARIES__: JSON.stringify(mlLibraries) },
	worker: {
		format: 'es',
		plugins: () => [deriveScript()],
		// The threaded tfjs-backend-wasm glue breaks when its code is compressed or mangled
		// (its pthread workers die with "e is not defined"); whitespace-only minification works.
		rolldownOptions: { output: { minify: { compress: false, mangle: false, codegen: true } } }
	},
	test: {
		environment: 'node',
		testTimeout: 120_000,
		// Several specs train a model in beforeAll: on a busy CI machine that outlasts the 10 s default.
		hookTimeout: 120_000,
		// Vitest's default is one worker fewer than the cores, i.e. one on a 2-core machine, which
		// left a core idle for the whole unit stage (418 s of CPU in about 310 s of wall time).
		maxWorkers: Math.max(2, availableParallelism() - 1),
		projects: [
			{
				// Pure library code (no globals, no IndexedDB, no mocks; each spec picks its tfjs
				// backend): files share a worker's module cache, which took the suite's import
				// time from about 100 s to 25 s per 20 files on this machine.
				extends: true,
				test: { name: 'lib', include: ['workers/lib/**/*.spec.ts', 'shared/**/*.spec.ts'], isolate: false }
			},
			{
				// Worker handlers and page code install fake IndexedDB and stub globals: isolated.
				extends: true,
				test: { name: 'app', include: ['workers/**/*.spec.ts', 'src/**/*.spec.ts'], exclude: ['workers/lib/**', 'node_modules/**'] }
			}
		]
	}
});
