import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
	root: here,
	// A bench-only build: it must not touch Kiln's build/ or .svelte-kit/.
	build: { outDir: fileURLToPath(new URL('../out/browser', import.meta.url)), emptyOutDir: true, reportCompressedSize: false },
	logLevel: 'warn',
	resolve: { alias: { $workers: fileURLToPath(new URL('../../workers', import.meta.url)), $shared: fileURLToPath(new URL('../../shared', import.meta.url)) } },
	worker: {
		format: 'es',
		// Same as /work/main/vite.config.ts: the threaded tfjs-backend-wasm glue breaks when its
		// code is compressed or mangled, so the bench would measure a broken (or different) build.
		rolldownOptions: { output: { minify: { compress: false, mangle: false, codegen: true } } }
	}
});
