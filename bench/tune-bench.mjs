// Hyperparameter search timings in the built studio (Debian chromium, real ML worker pool):
//   1. a fixed 16-trial search (same seed, same configs) with 1 worker vs the whole pool;
//   2. a 4 × 4 grid trained to the full budget vs the same grid with ASHA: time to reach the
//      full grid's best validation loss.
// Drives the Tune page like a person; reads each trial's result and the clock from IndexedDB.
// Run after `vite build`, under the heavy-job lock: flock /tmp/kiln-heavy.lock node bench/tune-bench.mjs
// Not part of the tests. Writes bench/out/tune.json.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const REPO = join(BENCH, '..');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DEMO = { id: 'digits', rows: 1797 };
const log = (message) => process.stderr.write(`[tune-bench] ${message}\n`);

function chromiumArgs() {
	const source = readFileSync(join(REPO, 'tests/e2e/browser.ts'), 'utf8');
	const block = /CHROMIUM_ARGS\s*=\s*\[([\s\S]*?)\]/.exec(source)?.[1] ?? '';
	return [...block.matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

const freePort = () =>
	new Promise((resolve, reject) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});

async function preview() {
	const port = await freePort();
	const child = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: REPO, stdio: 'ignore' });
	const url = `http://127.0.0.1:${port}`;
	for (let i = 0; i < 240; i++) {
		try {
			if ((await fetch(url)).ok) return { url, close: () => child.kill() };
		} catch {
			// not up yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	child.kill();
	throw new Error('vite preview did not start; run `vite build` first');
}

/** Every trial row and the search record, straight from IndexedDB. */
const readSearch = () =>
	new Promise((resolve, reject) => {
		const open = indexedDB.open('kiln');
		open.onerror = () => reject(open.error);
		open.onsuccess = () => {
			const db = open.result;
			const tx = db.transaction(['searches', 'trials'], 'readonly');
			const searches = tx.objectStore('searches').getAll();
			const trials = tx.objectStore('trials').getAll();
			tx.oncomplete = () => {
				db.close();
				const search = searches.result[0];
				resolve({ status: search?.status, createdAt: search?.createdAt, finishedAt: search?.finishedAt, trials: trials.result.map((t) => ({ id: t.trialId, config: t.record?.config, results: t.record?.results ?? [] })) });
			};
		};
	});

/** One search from a fresh profile; returns its wall time and the best top-rung score over time. */
async function runSearch(browser, url, label, setup) {
	const context = await browser.newContext();
	const page = await context.newPage();
	page.on('pageerror', (e) => log(`${label}: page error ${e.message}`));
	await page.goto(url);
	await page.getByLabel('Project name').fill(label);
	await page.getByRole('button', { name: 'Create project' }).click();
	await page.getByTestId(`demo-${DEMO.id}`).click();
	await page.getByTestId('dataset-summary').filter({ hasText: `${DEMO.rows.toLocaleString('en-US')} rows` }).waitFor({ timeout: 120_000 });
	await page.getByTestId('section-tune').click();
	await setup(page);
	await page.getByTestId('start-search').click();
	const timeline = [];
	let state;
	const top = (s) => Math.max(...s.trials.flatMap((t) => t.results.map((r) => r.rung)), 0);
	for (;;) {
		state = await page.evaluate(readSearch);
		const rung = top(state);
		const scores = state.trials.flatMap((t) => t.results.filter((r) => r.rung === rung && r.score !== null).map((r) => r.score));
		timeline.push({ at: Date.now() - state.createdAt, finishedJobs: state.trials.flatMap((t) => t.results).filter((r) => r.order !== null).length, best: scores.length ? Math.min(...scores) : null });
		if (state.status && state.status !== 'running') break;
		await page.waitForTimeout(250);
	}
	await context.close();
	if (state.status !== 'done') throw new Error(`${label}: the search ended ${state.status}`);
	return { label, seconds: (state.finishedAt - state.createdAt) / 1000, timeline, trials: state.trials };
}

/** Search only the named dimensions: every other dimension's box in the space editor is unticked. */
const only = (params) => async (page) => {
	const boxes = page.locator('[data-testid="search-form"] input[type="checkbox"][data-testid^="search-"]');
	// The space editor renders after the section: collecting its boxes earlier finds none.
	await page.getByTestId('search-learningRate').waitFor();
	for (const box of await boxes.all()) {
		const name = (await box.getAttribute('data-testid')).slice('search-'.length);
		if (params.includes(name)) await box.check();
		else await box.uncheck();
	}
};

async function main() {
	const server = await preview();
	const { chromium } = await import('@playwright/test');
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(), headless: true });
	const slots = await (async () => {
		const page = await browser.newPage();
		await page.goto(server.url);
		const n = await page.evaluate(() => navigator.hardwareConcurrency);
		await page.close();
		return n;
	})();
	log(`pool size ${slots}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
	const results = {};
	try {
		// 1. Same 16 random trials (seed 42), 10 epochs each, on 1 worker and on the pool.
		const fixed = (parallel) => async (page) => {
			await page.getByTestId('strategy-select').selectOption('random');
			await page.getByTestId('trials-input').fill('16');
			await page.getByTestId('asha-toggle').uncheck();
			await page.getByTestId('epochs-per-trial').fill('10');
			await page.getByTestId('parallel-input').fill(String(parallel));
		};
		const one = await runSearch(browser, server.url, '16 trials, 1 worker', fixed(1));
		log(`${one.label}: ${one.seconds.toFixed(1)} s`);
		const pool = await runSearch(browser, server.url, `16 trials, ${slots} workers`, fixed(slots));
		log(`${pool.label}: ${pool.seconds.toFixed(1)} s (${(one.seconds / pool.seconds).toFixed(2)}× faster)`);
		results.pool = { oneWorker: one.seconds, pool: pool.seconds, workers: slots, speedup: one.seconds / pool.seconds };

		// 2. 4 × 4 grid over learning rate and units, 27 epochs each, vs the same grid with ASHA (3, 9, 27).
		const grid = (asha) => async (page) => {
			await only(['learningRate', 'hiddenUnits'])(page);
			await page.getByTestId('strategy-select').selectOption('grid');
			await page.getByTestId('grid-points').fill('4');
			await page.getByTestId('trials-input').fill('16');
			if (asha) {
				await page.getByTestId('asha-toggle').check();
				await page.getByTestId('eta-input').fill('3');
				await page.getByTestId('min-epochs-input').fill('3');
				await page.getByTestId('max-epochs-input').fill('27');
			} else {
				await page.getByTestId('asha-toggle').uncheck();
				await page.getByTestId('epochs-per-trial').fill('27');
			}
		};
		const full = await runSearch(browser, server.url, 'grid, 27 epochs each', grid(false));
		const target = full.timeline.at(-1).best;
		const fullReached = full.timeline.find((p) => p.best !== null && p.best <= target + 1e-12).at / 1000;
		const halving = await runSearch(browser, server.url, 'grid with ASHA (3/9/27)', grid(true));
		const reached = halving.timeline.find((p) => p.best !== null && p.best <= target + 1e-12);
		results.asha = {
			gridSeconds: full.seconds,
			gridBest: target,
			gridReachedBestAt: fullReached,
			ashaSeconds: halving.seconds,
			ashaBest: halving.timeline.at(-1).best,
			ashaReachedGridBestAt: reached ? reached.at / 1000 : null,
			ratio: reached ? reached.at / 1000 / full.seconds : null,
			// Each trial's config and rung scores, to see which configs ASHA promoted against the grid's ranking.
			gridTrials: full.trials,
			ashaTrials: halving.trials
		};
		log(`full grid: ${full.seconds.toFixed(1)} s, best validation loss ${target.toFixed(4)} (found at ${fullReached.toFixed(1)} s)`);
		log(
			`grid + ASHA: ${halving.seconds.toFixed(1)} s, best ${results.asha.ashaBest.toFixed(4)}; ` +
				(reached ? `reached the grid's best at ${(reached.at / 1000).toFixed(1)} s = ${(results.asha.ratio * 100).toFixed(0)} % of the full grid's time` : 'never reached the full grid’s best')
		);
	} finally {
		await browser.close();
		server.close();
	}
	mkdirSync(join(BENCH, 'out'), { recursive: true });
	writeFileSync(join(BENCH, 'out', 'tune.json'), JSON.stringify({ measuredAt: new Date().toISOString(), dataset: DEMO.id, loadavg: loadavg(), ...results }, null, 2));
	console.log(JSON.stringify(results, null, 2));
}

main().catch((error) => {
	log(error.stack ?? String(error));
	process.exit(1);
});
