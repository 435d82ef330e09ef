// One-off measurements for the trust library (not tests): `npx vitest run -c scripts/trust/vitest.config.ts [name]`.
// They reuse the project's Vite config so the $shared/$workers aliases resolve.
import { mergeConfig } from 'vitest/config';
import base from '../../vite.config';

const config = mergeConfig(base, { test: { testTimeout: 3_600_000 } });
// mergeConfig concatenates arrays; measurements must not pick up the unit tests.
config.test!.include = ['scripts/trust/*.measure.ts'];
export default config;
