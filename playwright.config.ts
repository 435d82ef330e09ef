import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, PORT } from './tests/e2e/browser';

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	timeout: 180_000,
	expect: { timeout: 30_000 },
	// Two cores: parallel browsers would only make each one slower.
	workers: 1,
	reporter: [['list']],
	webServer: {
		command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
		url: `http://127.0.0.1:${PORT}/`,
		reuseExistingServer: !process.env.CI,
		timeout: 60_000
	},
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
		trace: 'retain-on-failure'
	}
});
