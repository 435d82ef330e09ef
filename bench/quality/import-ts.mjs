// Loads Kiln's TypeScript modules in plain Node through Vite's module runner (no build step):
// the same transform and $workers/$shared aliases the app uses.
import { runnerImport } from 'vite';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function importTs(path) {
	const { module } = await runnerImport(ROOT + path, {
		root: ROOT,
		configFile: false,
		logLevel: 'error',
		resolve: { alias: { $workers: ROOT + 'workers', $shared: ROOT + 'shared' } }
	});
	return module;
}
