// Runs the one-off text benches (bench/text/*.run.ts) with the app's aliases; not part of `npm test`.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vite.config';

export default mergeConfig(base, defineConfig({ test: { include: ['bench/text/**/*.run.ts'], testTimeout: 3_600_000 } }));
