// One-off scripts for the ship library (not tests): `npx vitest run -c scripts/ship/vitest.config.ts [name]`.
// They reuse the project's Vite config so the $shared/$workers aliases resolve.
import { mergeConfig } from 'vitest/config';
import base from '../../vite.config.ts';

const config = mergeConfig(base, { test: { testTimeout: 3_600_000 } });
// mergeConfig concatenates arrays; the scripts must not pick up the unit tests.
config.test!.include = ['scripts/ship/*.measure.ts'];
export default config;
