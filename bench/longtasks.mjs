// Main-thread long tasks (> 50 ms) on the real studio page while the digits demo trains.
// `node bench/longtasks.mjs` runs it alone (LONGTASKS_SKIP_BUILD=1 reuses build/); `npm run bench`
// runs it after the speed rounds. The site is built with the app's own vite config and served
// with `vite preview`, exactly as people get it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_PATH, chromiumArgs } from './browser-side.mjs';
import { scriptSource, sourceMapper } from './sourcemap.mjs';
import { analyseTrace, END_MARK, START_MARK, TRACE_CATEGORIES } from './trace.mjs';

const NO_PROGRESS_MS = 120_000;

/** Runs in the page before any of its own scripts, so no task is missed. */
export function observeLongTasks() {
	const store = (window.__kilnLongTasks = { longtask: [], loaf: [] });
	new PerformanceObserver((list) => {
		for (const e of list.getEntries()) store.longtask.push({ start: e.startTime, duration: e.duration });
	}).observe({ type: 'longtask', buffered: true });
	try {
		new PerformanceObserver((list) => {
			for (const e of list.getEntries()) {
				store.loaf.push({
					start: e.startTime,
					duration: e.duration,
					blocking: e.blockingDuration,
					styleAndLayout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
					scripts: e.scripts.map((s) => ({ invoker: s.invoker, type: s.invokerType, fn: s.sourceFunctionName, url: s.sourceURL, at: s.sourceCharPosition, duration: s.duration, forcedLayout: s.forcedStyleAndLayoutDuration }))
				});
			}
		}).observe({ type: 'long-animation-frame', buffered: true });
	} catch {
		// Long Animation Frames are Chromium ≥ 123; the longtask figures do not need them.
	}
}

function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

async function waitForServer(url, child, ms) {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`vite preview did not answer on ${url} within ${ms / 1000} s`);
}

/** Builds the site (unless told not to) and serves build/ with vite preview on a free port. */
export async function serveSite({ repo, build, log }) {
	const vite = join(repo, 'node_modules/vite/bin/vite.js');
	if (build || !existsSync(join(repo, 'build/index.html'))) {
		log('vite build (the studio site)…');
		// Hidden source maps: the served code is byte for byte the normal build (no
		// sourceMappingURL, nothing more to download); only the trace analysis reads the maps.
		const run = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--sourcemap', 'hidden'], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });
		if (run.status !== 0) throw new Error(`vite build failed (${run.status ?? run.signal})`);
	}
	const port = await freePort();
	const child = spawn(process.execPath, [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
	const origin = `http://127.0.0.1:${port}`;
	try {
		await waitForServer(`${origin}/`, child, 60_000);
	} catch (error) {
		child.kill();
		throw error;
	}
	return { origin, close: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill()))) };
}

/**
 * Clicks Train and waits for the job's end inside the page, so Playwright sends nothing while
 * the long tasks are counted. Follows the job's progress rather than a fixed budget: it fails
 * only when nothing moved for 2 minutes. Returns both marks' times.
 */
function trainInPage({ startMark, endMark, noProgressMs }) {
	return new Promise((resolve, reject) => {
		const start = performance.mark(startMark).startTime;
		document.querySelector('[data-testid="train-button"]').click();
		let last = '';
		let since = performance.now();
		const timer = setInterval(() => {
			const job = document.querySelector('[data-testid="train-job"]');
			const status = job?.getAttribute('data-status') ?? 'none';
			const state = `${status}|${job?.querySelector('progress')?.getAttribute('value') ?? ''}`;
			if (job && status !== 'queued' && status !== 'running') {
				clearInterval(timer);
				resolve({ status, text: job.innerText, start, end: performance.mark(endMark).startTime });
			} else if (state !== last) {
				last = state;
				since = performance.now();
			} else if (performance.now() - since > noProgressMs) {
				clearInterval(timer);
				reject(new Error(`the training job made no progress for ${noProgressMs / 1000} s (${state})`));
			}
		}, 250);
	});
}

/** One digits training run in a fresh context; returns the long tasks seen between Train and the job's end. */
async function trainDigits(browser, origin, { epochs, trace, buildDir, tracePath }) {
	const context = await browser.newContext({ baseURL: origin });
	await context.addInitScript(observeLongTasks);
	try {
		const page = await context.newPage();
		await page.goto('/');
		await page.getByLabel('Project name').fill('Long-task bench');
		await page.getByRole('button', { name: 'Create project' }).click();
		await page.getByRole('heading', { level: 1, name: 'Long-task bench' }).waitFor();
		await page.getByTestId('demo-digits').click();
		await page.getByTestId('dataset-summary').filter({ hasText: '1,797 rows' }).waitFor();
		await page.getByTestId('section-train').click();
		await page.getByTestId('epochs-input').fill(String(epochs));
		await page.getByTestId('patience-input').fill('0');
		// Let the navigation's own work finish, so only what training causes is counted.
		await page.waitForTimeout(1000);
		if (trace) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
		await page.getByTestId('train-button').waitFor();
		// The marks bound the window in the trace too (blink.user_timing shares its clock).
		const outcome = await page.evaluate(trainInPage, { startMark: START_MARK, endMark: END_MARK, noProgressMs: NO_PROGRESS_MS });
		const { start, end } = outcome;
		const traceBuffer = trace ? await browser.stopTracing() : null;
		const seen = await page.evaluate(() => window.__kilnLongTasks);
		const inRun = (e) => e.start + e.duration >= start && e.start <= end;
		const mapSource = sourceMapper(buildDir);
		const relative = (e) => ({ ...e, afterTrainMs: e.start - start });
		const longFrames = seen.loaf.filter(inRun).map((f) => ({
			...relative(f),
			scripts: f.scripts.map((s) => ({ ...s, source: scriptSource(buildDir, mapSource, s) }))
		}));
		if (traceBuffer) writeFileSync(tracePath, traceBuffer);
		return {
			status: outcome.status,
			jobText: outcome.text.split('\n').slice(0, 3).join(' · '),
			runMs: end - start,
			longTasks: seen.longtask.filter(inRun).map(relative),
			longFrames,
			trace: traceBuffer ? analyseTrace(JSON.parse(traceBuffer.toString('utf8')), mapSource) : null
		};
	} finally {
		await context.close();
	}
}

/**
 * The figure is taken without tracing (tracing itself slows the main thread). Only when it finds
 * long tasks does a second, traced run say what they were made of.
 */
export async function measureLongTasks({ repo, out, log, build = true, epochs = 30 }) {
	const runOptions = { epochs, buildDir: join(repo, 'build'), tracePath: join(out, 'longtasks-trace.json') };
	const site = await serveSite({ repo, build, log });
	const { chromium } = await import('@playwright/test');
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(repo, log), headless: true });
	try {
		log(`long tasks: digits demo, ${epochs} epochs, patience 0, on ${site.origin}…`);
		const plain = await trainDigits(browser, site.origin, { ...runOptions, trace: false });
		const durations = plain.longTasks.map((t) => t.duration);
		const result = { epochs, chromium: browser.version(), ...plain, count: durations.length, longestMs: durations.length ? Math.max(...durations) : 0, totalMs: durations.reduce((a, b) => a + b, 0) };
		log(`long tasks: ${result.count} over ${(plain.runMs / 1000).toFixed(1)} s of training (job ${plain.status}), longest ${result.longestMs.toFixed(0)} ms`);
		if (result.count > 0 && process.env.BENCH_NO_TRACE !== '1') {
			log('long tasks: a second, traced run to see what they are made of…');
			const traced = await trainDigits(browser, site.origin, { ...runOptions, trace: true });
			result.traced = { count: traced.longTasks.length, longestMs: Math.max(0, ...traced.longTasks.map((t) => t.duration)), runMs: traced.runMs, status: traced.status, trace: traced.trace, longFrames: traced.longFrames, tracePath: runOptions.tracePath };
		}
		return result;
	} finally {
		await browser.close();
		await site.close();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const { formatLongTasks } = await import('./trace.mjs');
	const repo = join(import.meta.dirname, '..');
	const out = join(repo, 'bench/out');
	mkdirSync(out, { recursive: true });
	const result = await measureLongTasks({ repo, out, log: (m) => process.stderr.write(`[bench] ${m}\n`), build: process.env.LONGTASKS_SKIP_BUILD !== '1', epochs: Number(process.env.LONGTASKS_EPOCHS ?? 30) });
	console.log(formatLongTasks(result));
}
