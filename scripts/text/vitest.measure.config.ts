// Runs the text measurement scripts written as vitest files (*.measure.ts; vitest resolves tfjs's
// extensionless ESM imports, plain Node does not), never picked up by the main config:
//   npx vitest run --config scripts/text/vitest.measure.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../../', import.meta.url));

export default defineConfig({
	root,
	resolve: { alias: { $workers: `${root}workers`, $shared: `${root}shared` } },
	test: { include: ['scripts/text/**/*.measure.ts'], environment: 'node', testTimeout: 3_600_000 }
});
