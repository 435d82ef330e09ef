// Runs the one-off text benches (bench/text/*.run.ts) with the app's aliases; not part of `npm test`.
// The app's test projects (lib/app) are left out, so each bench file runs once, isolated.
import { defineConfig } from 'vitest/config';
import base from '../../vite.config';

const { test: _tests, ...app } = base as typeof base & { test?: unknown };

export default defineConfig({ ...app, test: { environment: 'node', include: ['bench/text/**/*.run.ts'], testTimeout: 3_600_000 } });
