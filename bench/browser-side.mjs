// The browser side of the bench: Debian chromium driven by Playwright, one page served with
// COOP/COEP (cross-origin isolated) and one without, each measurement in a fresh module worker.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from './serve.mjs';

const TIMEOUT_MS = 240_000;
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The e2e flags are the ones known to work here; read from the TS source so they stay in sync. */
export function chromiumArgs(repo, log) {
	const source = readFileSync(join(repo, 'tests/e2e/browser.ts'), 'utf8');
	const block = /CHROMIUM_ARGS\s*=\s*\[([\s\S]*?)\]/.exec(source)?.[1];
	const args = block ? [...block.matchAll(/'([^']+)'/g)].map((m) => m[1]) : [];
	if (args.length > 0) return args;
	log('could not read CHROMIUM_ARGS from tests/e2e/browser.ts; using a copy');
	return ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'];
}

function withTimeout(promise, ms, what) {
	let timer;
	const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms)));
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Opens the browser and both bench pages; `measure(item)` runs one plan item in a fresh worker. `args`: more Chromium switches. */
export async function openBrowserSide({ repo, root, dataDir, log, args = [] }) {
	const { chromium } = await import('@playwright/test');
	// BENCH_JS_FLAGS="--trace-deopt" hands V8 flags to Chromium (its output: run with DEBUG=pw:browser).
	const jsFlags = process.env.BENCH_JS_FLAGS ? [`--js-flags=${process.env.BENCH_JS_FLAGS}`] : [];
	// BENCH_CHROMIUM_ARGS="--enable-logging=stderr" adds Chromium switches (space-separated).
	const switches = (process.env.BENCH_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean);
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...chromiumArgs(repo, log), ...jsFlags, ...switches, ...args], headless: true });
	const sides = {};
	try {
		for (const isolate of [true, false]) {
			const server = await serve({ root, dataDir, isolate });
			const context = await browser.newContext();
			const side = { server, context, page: null, crossOriginIsolated: null };
			side.open = async () => {
				const page = await context.newPage();
				page.on('pageerror', (error) => log(`page error: ${error.message}`));
				await page.goto(server.url);
				await page.waitForFunction(() => typeof window.runBench === 'function');
				side.page = page;
				side.crossOriginIsolated = await page.evaluate(() => self.crossOriginIsolated === true);
			};
			await side.open();
			sides[isolate ? 'isolated' : 'plain'] = side;
		}
	} catch (error) {
		await browser.close();
		for (const side of Object.values(sides)) await side.server.close();
		throw error;
	}

	async function measure(item, latencyRuns) {
		const side = sides[item.isolate ? 'isolated' : 'plain'];
		const request = { backend: item.backend, model: item.model ?? 'mlp', kernels: item.kernels, gemm: item.gemm, gemmThreads: item.gemmThreads, epochs: item.epochs, warmupBatches: item.warmupBatches, studioWarmUp: item.studioWarmUp, logEpochs: item.logEpochs, samples: item.samples, batchSize: 128, learningRate: 0.001, latencyRuns: item.latencyRuns ?? latencyRuns, ...(item.threads ? { threads: item.threads } : {}) };
		try {
			return await withTimeout(side.page.evaluate((r) => window.runBench(r), request), TIMEOUT_MS, item.label);
		} catch (error) {
			// A hung worker would poison the next measurement: start from a fresh page.
			await side.page.close().catch(() => {});
			await side.open();
			return { backend: item.backend, ok: false, reason: error.message.split('\n')[0] };
		}
	}

	return {
		browser,
		page: (isolate) => sides[isolate ? 'isolated' : 'plain'].page,
		version: browser.version(),
		pages: { isolated: { crossOriginIsolated: sides.isolated.crossOriginIsolated }, plain: { crossOriginIsolated: sides.plain.crossOriginIsolated } },
		measure,
		close: async () => {
			for (const side of Object.values(sides)) await side.context.close().catch(() => {});
			await browser.close();
			for (const side of Object.values(sides)) await side.server.close();
		}
	};
}
