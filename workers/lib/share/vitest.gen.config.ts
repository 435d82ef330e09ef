// Runs the share folder's scripts written as vitest files (*.gen.ts), never picked up by the main
// config: the bundle fixture writer and the two halves of scripts/test-scale.sh.
//   npx vitest run --config workers/lib/share/vitest.gen.config.ts write-fixtures
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export default defineConfig({
	root,
	resolve: { alias: { $workers: `${root}workers`, $shared: `${root}shared` } },
	test: { include: ['workers/lib/share/**/*.gen.ts'], environment: 'node', testTimeout: 600_000 }
});
