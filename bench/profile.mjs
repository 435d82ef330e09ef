// `node bench/profile.mjs [rounds]`: profiles Kiln's training step on tfjs-wasm in Chromium (kernel
// list, time per part) and A/Bs the original step (bench/browser/baseline-step.ts) against the
// current workers/lib/train.ts in one worker. Needs bench/out/data.* (run `npm run bench` once).
// PROFILE_SKIP_BUILD=1 reuses bench/out/browser.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const OUT = join(BENCH, 'out');
const rounds = Number(process.argv[2] ?? 6);

if (process.env.PROFILE_SKIP_BUILD !== '1') {
	const { build } = await import('vite');
	await build({ configFile: join(BENCH, 'browser/vite.config.mjs') });
}
const source = readFileSync(join(BENCH, '../tests/e2e/browser.ts'), 'utf8');
const args = [...(/CHROMIUM_ARGS\s*=\s*\[([\s\S]*?)\]/.exec(source)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);
const { chromium } = await import('@playwright/test');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args, headless: true });
const server = await serve({ root: join(OUT, 'browser'), dataDir: OUT, isolate: true });
try {
	const page = await browser.newPage();
	page.on('console', (m) => process.stderr.write(`[page] ${m.text()}\n`));
	await page.goto(server.url);
	await page.waitForFunction(() => typeof window.runProfile === 'function');
	const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('profile took over 10 minutes')), 600_000).unref());
	const reply = await Promise.race([page.evaluate((r) => window.runProfile(r), { backend: process.env.PROFILE_BACKEND ?? 'wasm', batchSize: 128, rounds, abOnly: process.env.PROFILE_AB_ONLY === '1' }), timeout]);
	if (!reply.ok) throw new Error(reply.reason);
	const { result } = reply;
	for (const [key, value] of Object.entries(result)) {
		if (key.startsWith('kernels_')) {
			console.log(`\n${key}: ${value.count} kernels, ${value.kernelMs.toFixed(2)} ms in kernels, ${value.profiledWallMs.toFixed(2)} ms wall (profiled)`);
			for (const line of value.top.slice(0, Number(process.env.PROFILE_TOP ?? 25))) console.log(`  ${line}`);
		} else console.log(`\n${key}:`, JSON.stringify(value, null, 1));
	}
} finally {
	await server.close();
	await browser.close();
}
