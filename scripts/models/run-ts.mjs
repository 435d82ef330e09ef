// Run a TypeScript script that imports Kiln's workers/lib code (with the $workers and $shared
// aliases) under Node 20, which cannot strip types itself: `node scripts/models/run-ts.mjs FILE.ts [args]`.
// The script's default export, if a function, is called with the remaining arguments.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const [file, ...args] = process.argv.slice(2);
if (!file) {
	console.error('usage: node scripts/models/run-ts.mjs FILE.ts [args]');
	process.exit(2);
}
const { module } = await runnerImport(resolve(file), {
	root,
	configFile: false,
	logLevel: 'warn',
	resolve: { alias: { $workers: join(root, 'workers'), $shared: join(root, 'shared'), $lib: join(root, 'src/lib') } },
	// tfjs and friends load as plain Node packages, not through the transform pipeline.
	ssr: { external: true }
});
if (typeof module.default === 'function') await module.default(args);
