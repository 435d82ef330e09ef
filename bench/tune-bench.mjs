// Hyperparameter search timings in the built studio (Debian chromium, real ML worker pool):
//   1. a fixed 16-trial search (same seed, same configs) with 1 worker vs the whole pool,
//      repeated interleaved (TUNE_REPEATS, default 2; the order alternates), at 30 epochs a trial
//      (the Tune form's default) and at 10 (TUNE_POOL_EPOCHS="30,10");
//   2. a 3 × 3 × 3 grid (learning rate × units × layers, 27 configs) trained to the full budget
//      vs the same grid with ASHA (3 / 9 / 27 epochs, η = 3): time to reach the full grid's best
//      validation loss. TUNE_ONLY=pool or TUNE_ONLY=asha runs one part.
// Warm and cold: the studio starts the pool's workers (and loads their backend) when the Tune page
// opens (features/tune/warm-up.ts), so by the time a person presses Start they are up. A warm run
// waits for that warm-up to end before pressing Start (a person filling the form for a few
// seconds) and reports how long it took; a cold run switches it off (sessionStorage
// `kiln-bench-cold-workers`), so the search's first jobs start their workers as before session 8.
// TUNE_WARM=warm|cold|both (default both): `pool` / `asha` are the warm figures, `poolCold` /
// `ashaCold` the cold ones. Before each pool pair, the speedup two workers of plain compute get
// at that moment (`ceiling`): on a loaded machine the pool cannot beat it.
// Each search also reports where its time went: the studio's `tune:` performance measures per
// trial job (queue, job, the worker's backend / dataset / checkpoint / setup / epochs / finish
// stretches, page event handling, trial writes) and CPU seconds per Chromium thread from /proc.
// Drives the Tune page like a person; reads each trial's result and the clock from IndexedDB.
// Run after `vite build`, under the heavy-job lock: flock /tmp/kiln-heavy.lock node bench/tune-bench.mjs
// (about 7 minutes with both modes on a quiet 2-core machine; TUNE_WARM=warm halves it). `npm run bench`
// runs it warm (its `tune` part).
// Not part of the tests. Writes bench/out/tune.json.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.mjs';
import { cpuBetween, cpuSnapshot, findBrowserPid, readMeasures, summarise, jobList, THREAD_TRACE_CATEGORIES, threadSummary } from './tune-trace.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const REPO = join(BENCH, '..');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DEMO = { id: 'digits', rows: 1797 };
const log = (message) => process.stderr.write(`[tune-bench] ${message}\n`);
const MARKER = '--kiln-tune-bench';
const REPEATS = Number(process.env.TUNE_REPEATS ?? 2);
const ONLY = process.env.TUNE_ONLY ?? 'all';
const WARM = process.env.TUNE_WARM ?? 'both';
// TUNE_TRACE=1: a Chrome trace of each search, summarised as self time per event per kind of thread (slows the searches: not for timings).
const TRACE = process.env.TUNE_TRACE === '1';
let browserPid = null;

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
	// Its own process group: `npx` starts vite as a child, and killing npx alone left vite serving.
	const child = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: REPO, stdio: 'ignore', detached: true });
	const stop = () => {
		try {
			process.kill(-child.pid);
		} catch {
			// already gone
		}
	};
	const url = `http://127.0.0.1:${port}`;
	for (let i = 0; i < 240; i++) {
		try {
			if ((await fetch(url)).ok) return { url, close: stop };
		} catch {
			// not up yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	stop();
	throw new Error('vite preview did not start; run `vite build` first');
}

/**
 * The search record and, once it has ended, every trial row, straight from IndexedDB. While it
 * runs only the search record is read, once a second: trial rows carry the trials' checkpoints
 * (weights and optimiser state), and reading them all every poll cost the page and blocked the
 * workers' writes; polling every 250 ms cost the page's main thread too.
 */
const readSearch = (withTrials) =>
	new Promise((resolve, reject) => {
		const open = indexedDB.open('kiln');
		open.onerror = () => reject(open.error);
		open.onsuccess = () => {
			const db = open.result;
			const tx = db.transaction(withTrials ? ['searches', 'trials'] : ['searches'], 'readonly');
			const searches = tx.objectStore('searches').getAll();
			const trials = withTrials ? tx.objectStore('trials').getAll() : null;
			tx.oncomplete = () => {
				db.close();
				const search = searches.result[0];
				resolve({
					status: search?.status,
					createdAt: search?.createdAt,
					finishedAt: search?.finishedAt,
					trials: (trials?.result ?? []).filter((t) => t.record).map((t) => ({ id: t.trialId, config: t.record.config, results: t.record.results ?? [], valLoss: (t.history ?? []).map((h) => h.valLoss) }))
				});
			};
		};
	});

// TUNE_MIN_CPU: the smallest per-thread CPU time (s) the report lists (default 0.05).
const MIN_CPU = Number(process.env.TUNE_MIN_CPU ?? 0.05);

/** One search from a fresh profile; returns its wall time and the best top-rung score over time. */
async function runSearch(browser, url, label, setup, cold = false) {
	// The label as a file name (the page's CPU profile, the trace).
	const fileLabel = label.replace(/[^\w]+/g, '-');
	// TUNE_REDUCED_MOTION=1: the page as a person who asked for reduced motion sees it (no animations), to tell their CPU apart.
	const context = await browser.newContext(process.env.TUNE_REDUCED_MOTION ? { reducedMotion: 'reduce' } : {});
	if (cold) await context.addInitScript(() => sessionStorage.setItem('kiln-bench-cold-workers', '1'));
	const page = await context.newPage();
	page.on('pageerror', (e) => log(`${label}: page error ${e.message}`));
	await page.goto(url);
	await page.getByLabel('Project name').fill(label);
	await page.getByRole('button', { name: 'Create project' }).click();
	await page.getByTestId(`demo-${DEMO.id}`).click();
	await page.getByTestId('dataset-summary').filter({ hasText: `${DEMO.rows.toLocaleString('en-US')} rows` }).waitFor({ timeout: 120_000 });
	await page.getByTestId('section-tune').click();
	await setup(page);
	// Warm: the workers the Tune page started are up before Start (its `tune:warm` measure ends then).
	let warmupSeconds = null;
	if (!cold) {
		await page.waitForFunction(() => performance.getEntriesByName('tune:warm').length > 0, null, { timeout: 60_000 });
		warmupSeconds = await page.evaluate(() => performance.getEntriesByName('tune:warm')[0].duration / 1000);
	}
	if (TRACE) await browser.startTracing(undefined, { categories: THREAD_TRACE_CATEGORIES });
	// With V8 tracing flags, a hot loop in a function of this name puts a line in V8's log where
	// the search starts, so the log's compiles and deopts can be split into warm-up and search.
	if (process.env.TUNE_JS_FLAGS) {
		await page.evaluate(() => {
			function KILN_START_MARK() {
				let s = 0;
				for (let i = 0; i < 5e7; i++) s += i % 7;
				return s;
			}
			return KILN_START_MARK();
		});
	}
	// TUNE_PROFILE_PAGE=1: a CPU profile of the page's main thread over the search, in bench/out/ (open it in DevTools).
	let cdp = null;
	if (process.env.TUNE_PROFILE_PAGE) {
		cdp = await context.newCDPSession(page);
		await cdp.send('Profiler.enable');
		await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
		await cdp.send('Profiler.start');
	}
	// TUNE_HIDDEN_VIEWS=1: the page reads as hidden, so the live views (curves, progress, trial table) wait and
	// draw nothing during the search (live-search.svelte.ts): what the pool gets without them. A diagnosis, not the figure.
	if (process.env.TUNE_HIDDEN_VIEWS) await page.evaluate(() => Object.defineProperty(document, 'visibilityState', { get: () => 'hidden', configurable: true }));
	const cpuBefore = cpuSnapshot(browserPid);
	await page.getByTestId('start-search').click();
	let state;
	for (;;) {
		state = await page.evaluate(readSearch, false);
		if (state.status && state.status !== 'running') break;
		// The times come from the stored record, so a slower poll only costs the browser less.
		await page.waitForTimeout(1000);
	}
	// Before the read of every trial row below: that read is the bench's, not the search's.
	const cpuAfter = cpuSnapshot(browserPid);
	if (cdp) {
		const { profile } = await cdp.send('Profiler.stop');
		mkdirSync(join(BENCH, 'out'), { recursive: true });
		writeFileSync(join(BENCH, 'out', `page-${fileLabel}.cpuprofile`), JSON.stringify(profile));
	}
	state = await page.evaluate(readSearch, true);
	const traceText = TRACE ? (await browser.stopTracing()).toString('utf8') : null;
	if (traceText && process.env.TUNE_TRACE_DIR) writeFileSync(join(process.env.TUNE_TRACE_DIR, `${fileLabel}.json`), traceText);
	const threads = traceText ? threadSummary(traceText) : undefined;
	if (threads) log(`${label}: threads ${JSON.stringify(threads)}`);
	const { origin, measures } = await page.evaluate(readMeasures);
	await context.close();
	if (state.status !== 'done') throw new Error(`${label}: the search ended ${state.status}`);
	const seconds = (state.finishedAt - state.createdAt) / 1000;
	// The best score at the search's full budget over time: each job's result counts from the
	// moment its worker returned it (its `tune:job` measure's end).
	const top = Math.max(...state.trials.flatMap((t) => t.results.map((r) => r.rung)), 0);
	const scoreOf = (trialId, rung) => state.trials.find((t) => t.id === trialId)?.results.find((r) => r.rung === rung)?.score ?? null;
	let best = null;
	const timeline = measures
		.filter((m) => m.name === 'job')
		.map((m) => ({ at: origin + m.start + m.ms - state.createdAt, rung: m.detail.rung, score: scoreOf(m.detail.trialId, m.detail.rung) }))
		.sort((a, b) => a.at - b.at)
		.map((j) => {
			if (j.rung === top && j.score !== null) best = best === null ? j.score : Math.min(best, j.score);
			return { at: j.at, best };
		});
	return { label, seconds, warmupSeconds, timeline, trials: state.trials, jobs: jobList(measures, state.createdAt - origin), cpu: cpuBetween(cpuBefore, cpuAfter, seconds, MIN_CPU), phases: (slots) => summarise(measures, seconds, slots), ...(threads ? { threads } : {}) };
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

/**
 * What the machine gives two workers at this moment: a fixed loop of float multiply-adds in one
 * Web Worker of this Chromium, then the same loop in two at once; 2 × one / two is 2 on two free
 * cores, near 1 when other work holds a core (or the two vCPUs share one physical core). Measured
 * before each pair of searches, so every pool figure has its ceiling beside it.
 */
async function twoWorkerCeiling(browser) {
	const page = await browser.newPage();
	await page.setContent('<html><body></body></html>');
	const result = await page.evaluate(async () => {
		const source = `onmessage = (e) => { const a = new Float32Array(4096), b = new Float32Array(4096); for (let i = 0; i < 4096; i++) { a[i] = i % 7; b[i] = i % 5; } let s = 0; for (let r = 0; r < e.data; r++) for (let i = 0; i < 4096; i++) s += a[i] * b[(i + r) & 4095]; postMessage(s); };`;
		const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
		const run = (count, rounds) => Promise.all(Array.from({ length: count }, () => new Promise((done) => { const w = new Worker(url); w.onmessage = () => (w.terminate(), done()); w.postMessage(rounds); })));
		const timed = async (count) => { const t = performance.now(); await run(count, 60_000); return performance.now() - t; };
		await run(2, 2000);
		const one = await timed(1);
		const two = await timed(2);
		return { oneMs: Math.round(one), twoMs: Math.round(two), speedup: +((2 * one) / two).toFixed(2) };
	});
	await page.close();
	return result;
}

/**
 * 1. Same 16 random trials (seed 42), on 1 worker and on the pool, interleaved, once per trial
 * length in TUNE_POOL_EPOCHS (default "30,10"). 30 epochs is the Tune form's default for a
 * network search, so the first figure is the studio's default search; at 10 a digits trial lasts
 * 40–600 ms and each job's fixed costs (the page's start and end of a search, its stores, V8's
 * compiles) weigh three times as much against the training the pool shares out.
 */
const POOL_EPOCHS = (process.env.TUNE_POOL_EPOCHS ?? '30,10').split(',').map(Number);
async function poolPart(browser, url, slots, cold, epochs) {
	const tag = cold ? ', cold' : ', warm';
	const fixed = (parallel) => async (page) => {
		await page.getByTestId('strategy-select').selectOption('random');
		await page.getByTestId('trials-input').fill('16');
		await page.getByTestId('asha-toggle').uncheck();
		await page.getByTestId('epochs-per-trial').fill(String(epochs));
		await page.getByTestId('parallel-input').fill(String(parallel));
	};
	const report = (run, slotsUsed) => ({ seconds: run.seconds, warmupSeconds: run.warmupSeconds, phases: run.phases(slotsUsed), cpu: run.cpu, jobs: run.jobs, trials: run.trials, ...(run.threads ? { threads: run.threads } : {}) });
	const pairs = [];
	for (let r = 0; r < REPEATS; r++) {
		const order = r % 2 === 0 ? [1, slots] : [slots, 1];
		const pair = { ceiling: await twoWorkerCeiling(browser) };
		log(`two-worker ceiling now: ${pair.ceiling.speedup}× (a compute loop: ${pair.ceiling.oneMs} ms in one worker, ${pair.ceiling.twoMs} ms for two at once)`);
		for (const n of order) {
			const run = await runSearch(browser, url, `16 trials × ${epochs} epochs, ${n} worker${n === 1 ? '' : 's'}${tag} (#${r + 1})`, fixed(n), cold);
			pair[n === 1 ? 'one' : 'pool'] = report(run, n);
			log(`${run.label}: ${run.seconds.toFixed(1)} s${run.warmupSeconds === null ? '' : ` (warm-up before Start ${run.warmupSeconds.toFixed(1)} s)`}, load ${loadavg()[0].toFixed(1)}; ${JSON.stringify(pair[n === 1 ? 'one' : 'pool'].phases.meanMsPerJob)}; cores busy ${run.cpu?.coresBusy}`);
		}
		pair.speedup = pair.one.seconds / pair.pool.seconds;
		pair.cpuSplit = cpuSplit(pair.one.cpu, pair.pool.cpu, slots);
		const split = pair.cpuSplit ? ` (from CPU: ${pair.cpuSplit.predicted}×; the workers alone ${pair.cpuSplit.workersOnly}×, the rest of the browser ${Math.round(pair.cpuSplit.overhead * 100)} % of the workers' CPU)` : '';
		log(`repeat ${r + 1}${tag}, ${epochs} epochs: ${pair.speedup.toFixed(2)}× faster on ${slots} workers${split}`);
		pairs.push(pair);
	}
	const splits = pairs.map((p) => p.cpuSplit).filter(Boolean);
	return {
		workers: slots,
		epochs,
		warm: !cold,
		ceilings: pairs.map((p) => p.ceiling.speedup),
		speedups: pairs.map((p) => p.speedup),
		medianSpeedup: median(pairs.map((p) => p.speedup)),
		...(splits.length ? { medianWorkersOnly: median(splits.map((s) => s.workersOnly)), medianOverhead: median(splits.map((s) => s.overhead)) } : {}),
		runs: pairs
	};
}

/**
 * What a pair's CPU seconds (per thread, /proc) say about its speed-up. The one-worker search's
 * wall time is about its worker's CPU (W1: the rest of the browser runs on the idle core), the
 * pool's about all the browser's CPU over its cores ((W2 + O2) / slots): `predicted` is their
 * ratio; `workersOnly` what the pool would get if nothing but its workers ran (W2 above W1 is the
 * same trials costing more CPU with every core busy); `overhead` is O2 / W2, the page, the
 * browser and V8's compiles and GC for the workers against the workers' own CPU. Null without
 * /proc figures.
 */
function cpuSplit(one, pool, slots) {
	if (!one?.workerThreads?.length || !pool?.workerThreads?.length) return null;
	const sum = (xs) => xs.reduce((a, b) => a + b, 0);
	const w1 = sum(one.workerThreads);
	const w2 = sum(pool.workerThreads);
	return { predicted: +((slots * w1) / pool.totalSeconds).toFixed(2), workersOnly: +((slots * w1) / w2).toFixed(2), overhead: +((pool.totalSeconds - w2) / w2).toFixed(3) };
}

/** 2. 3 × 3 × 3 grid over learning rate, units and layers, 27 epochs each, vs the same grid with ASHA (3, 9, 27). */
async function ashaPart(browser, url, slots, cold) {
	const tag = cold ? ', cold' : ', warm';
	const grid = (asha) => async (page) => {
		await only(['learningRate', 'hiddenUnits', 'hiddenLayerCount'])(page);
		await page.getByTestId('strategy-select').selectOption('grid');
		await page.getByTestId('grid-points').fill('3');
		await page.getByTestId('trials-input').fill('27');
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
	const full = await runSearch(browser, url, `grid, 27 epochs each${tag}`, grid(false), cold);
	const target = full.timeline.at(-1).best;
	const fullReached = full.timeline.find((p) => p.best !== null && p.best <= target + 1e-12).at / 1000;
	const halving = await runSearch(browser, url, `grid with ASHA (3/9/27)${tag}`, grid(true), cold);
	const reached = halving.timeline.find((p) => p.best !== null && p.best <= target + 1e-12);
	const result = {
		warm: !cold,
		gridSeconds: full.seconds,
		gridWarmupSeconds: full.warmupSeconds,
		gridBest: target,
		gridReachedBestAt: fullReached,
		ashaSeconds: halving.seconds,
		ashaWarmupSeconds: halving.warmupSeconds,
		ashaBest: halving.timeline.at(-1).best,
		ashaReachedGridBestAt: reached ? reached.at / 1000 : null,
		ratio: reached ? reached.at / 1000 / full.seconds : null,
		gridJobs: full.phases(slots),
		ashaJobs: halving.phases(slots),
		gridCpu: full.cpu,
		ashaCpu: halving.cpu,
		gridJobList: full.jobs,
		ashaJobList: halving.jobs,
		...(TRACE ? { gridThreads: full.threads, ashaThreads: halving.threads } : {}),
		// Each trial's config and rung scores, to see which configs ASHA promoted against the grid's ranking.
		gridTrials: full.trials,
		ashaTrials: halving.trials
	};
	log(`full grid${tag}: ${full.seconds.toFixed(1)} s, best validation loss ${target.toFixed(4)} (found at ${fullReached.toFixed(1)} s)`);
	log(
		`grid + ASHA${tag}: ${halving.seconds.toFixed(1)} s, best ${result.ashaBest.toFixed(4)}; ` +
			(reached ? `reached the grid's best at ${(reached.at / 1000).toFixed(1)} s = ${(result.ratio * 100).toFixed(0)} % of the full grid's time` : 'never reached the full grid’s best')
	);
	return result;
}

async function main() {
	const server = await preview();
	const { chromium } = await import('@playwright/test');
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...chromiumArgs(), MARKER, ...(process.env.TUNE_JS_FLAGS ? [`--js-flags=${process.env.TUNE_JS_FLAGS}`] : [])], headless: true });
	browserPid = findBrowserPid(MARKER);
	if (!browserPid) log('no Chromium process found in /proc: CPU per thread is not reported');
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
		const modes = WARM === 'both' ? [false, true] : [WARM === 'cold'];
		for (const cold of modes) {
			const suffix = cold ? 'Cold' : '';
			// `pool` is the first trial length (the studio's default search), `pool10` etc. the others.
			if (ONLY !== 'asha') for (const [i, epochs] of POOL_EPOCHS.entries()) results[`pool${i === 0 ? '' : epochs}${suffix}`] = await poolPart(browser, server.url, slots, cold, epochs);
			if (ONLY !== 'pool') results[`asha${suffix}`] = await ashaPart(browser, server.url, slots, cold);
		}
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
