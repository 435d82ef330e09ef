// Runs the one-off ship benches (bench/ship/*.run.ts) with the app's aliases; not part of `npm test`.
import { defineConfig } from 'vitest/config';
import base from '../../vite.config';

const { test: _tests, ...app } = base as typeof base & { test?: unknown };

export default defineConfig({ ...app, test: { environment: 'node', include: ['bench/ship/**/*.run.ts'], testTimeout: 7_200_000 } });
