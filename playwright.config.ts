import { defineConfig } from '@playwright/test';
import { createServer } from 'node:net';
import { CHROMIUM_ARGS, CHROMIUM_PATH, SERVICE_WORKERS } from './tests/e2e/browser';

/**
 * A free port, picked once and handed to the test workers through the environment, so a
 * server someone left running on a fixed port is never tested instead of this build.
 */
async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}
process.env.KILN_E2E_PORT ??= String(await freePort());
const port = Number(process.env.KILN_E2E_PORT);

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	// Generous: e2e journeys wait on progress (see waitForJob), and a loaded 2-core CI machine
	// may take minutes for what takes seconds here.
	timeout: 600_000,
	expect: { timeout: 60_000 },
	// Two browsers on two cores: a journey often waits (page loads, worker start-up, IndexedDB,
	// axe), so a second one fills the idle core. Measured on 15 journeys at load 8–10: 130 s with two
	// workers against 164 s with one. Journeys wait on progress, never on a time budget, so a
	// slower share of the CPU only makes them longer.
	workers: 2,
	// KILN_E2E_SLOW=8 also prints each journey's 8 costliest lines (tests/e2e/slow-steps-reporter.ts).
	reporter: process.env.KILN_E2E_SLOW ? [['list'], ['./tests/e2e/slow-steps-reporter.ts']] : [['list']],
	webServer: {
		command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
		url: `http://127.0.0.1:${port}/`,
		reuseExistingServer: false,
		timeout: 120_000
	},
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
		// Each journey opens a fresh browser profile, and the service worker's install then
		// downloads every script, WebAssembly file and demo dataset of the build (~60 MB, the
		// scripts gzipped on the fly by vite preview): measured on the iris journeys, 40 % of the
		// suite's CPU went to that and to trace recording. The offline and sub-path journeys, which
		// test the service worker, allow it (test.use); KILN_E2E_TRACE=1 records traces again.
		serviceWorkers: SERVICE_WORKERS,
		trace: process.env.KILN_E2E_TRACE ? 'retain-on-failure' : 'off'
	}
});
