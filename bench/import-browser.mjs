// The data workbench's import bar in the studio itself: a person picks the seeded 1,000,000-row
// CSV (`node bench/big-csv.mjs`) in the built site, and this measures
//   - seconds from picking the file to the stored table with its profile on screen,
//   - the renderer's peak memory (page and its workers live in one renderer process: the sum of
//     the RSS of Chromium's renderer processes, sampled every 100 ms from /proc), against the file,
//   - main-thread long tasks (> 50 ms) over the whole import,
// and, interleaved with it, pandas read_csv + describe on the same file (bench/pandas-import.py),
// so the rows/s ratio compares like conditions. Node-only figures of the same import:
// bench/import-bench.mjs.
//   node bench/import-browser.mjs [file] [repeats=2]      (IMPORT_SKIP_BUILD=1 reuses build/)
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { CHROMIUM_PATH, chromiumArgs } from './browser-side.mjs';
import { observeLongTasks, serveSite } from './longtasks.mjs';
import { rendererRssMb } from './renderer-memory.mjs';
import { scriptSource, sourceMapper } from './sourcemap.mjs';
import { threadReport } from './import-threads.mjs';
import { cpuBetween, cpuSnapshot } from './tune-trace.mjs';
import { analyseTrace, END_MARK, START_MARK, TRACE_CATEGORIES } from './trace.mjs';

const repo = join(import.meta.dirname, '..');
const file = process.argv[2] ?? join(repo, 'bench/out/big.csv');
const repeats = Number(process.argv[3] ?? 2);
const log = (m) => process.stderr.write(`[import-browser] ${m}\n`);
if (!existsSync(file)) {
	console.error(`${file} is missing: run node bench/big-csv.mjs first.`);
	process.exit(1);
}
const fileMb = statSync(file).size / 1048576;
const NO_PROGRESS_MS = 180_000;

/** The page's main-thread self time by source line (IMPORT_PROFILE=1; build with --sourcemap hidden). */
function printProfile(profile) {
	const map = sourceMapper(join(repo, 'build'));
	const self = new Map();
	const dt = new Map();
	profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));
	for (const node of profile.nodes) {
		const { functionName, url, lineNumber, columnNumber } = node.callFrame;
		const path = url.replace(/^https?:\/\/[^/]+\//, '');
		const at = path.endsWith(".js") ? map(path, lineNumber + 1, columnNumber + 1) : null;
		const key = `${functionName || '(anon)'} ${at ?? (path ? `${path}:${lineNumber + 1}` : '')}`;
		self.set(key, (self.get(key) ?? 0) + (dt.get(node.id) ?? 0) / 1000);
	}
	for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) log(`  ${ms.toFixed(0).padStart(6)} ms  ${key}`);
}

/**
 * IMPORT_MESSAGES=1: every message a worker sends the page whose deserialization took over 20 ms,
 * with the shape of what it carried (keys, array lengths, string lengths), to find what crosses.
 */
function watchWorkerMessages() {
	const shape = (v, depth) => {
		if (typeof v === 'string') return `string(${v.length})`;
		if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.length})`;
		if (v instanceof ArrayBuffer) return `ArrayBuffer(${v.byteLength})`;
		if (Array.isArray(v)) return depth > 5 ? `array(${v.length})` : `array(${v.length})[${v.length ? shape(v[0], depth + 1) : ''}]`;
		if (v && typeof v === 'object') return depth > 5 ? 'object' : `{${Object.keys(v).slice(0, 30).map((k) => `${k}: ${shape(v[k], depth + 1)}`).join(', ')}}`;
		return typeof v;
	};
	window.__kilnMessages = [];
	const Base = window.Worker;
	window.Worker = class extends Base {
		constructor(...args) {
			super(...args);
			this.addEventListener('message', (ev) => {
				const t0 = performance.now();
				const data = ev.data;
				const ms = performance.now() - t0;
				if (ms > 20) window.__kilnMessages.push({ at: t0, ms, shape: shape(data, 0).slice(0, 6000) });
			});
		}
	};
}

async function importOnce(browser, origin, browserPid) {
	const context = await browser.newContext({ baseURL: origin });
	await context.addInitScript(observeLongTasks);
	if (process.env.IMPORT_MESSAGES) await context.addInitScript(watchWorkerMessages);
	try {
		const page = await context.newPage();
		if (process.env.IMPORT_VERBOSE) page.on('console', (m) => m.text().startsWith('[kiln') && log(m.text()));
		await page.goto('/');
		await page.getByLabel('Project name').fill('Import bench');
		await page.getByRole('button', { name: 'Create project' }).click();
		await page.getByRole('heading', { level: 1, name: 'Import bench' }).waitFor();
		// A returning visitor's studio: the offline install (every script, WebAssembly file and
		// demo set fetched once per version) has finished, instead of running beside the import.
		await page.evaluate(() => Promise.race([navigator.serviceWorker?.ready, new Promise((r) => setTimeout(r, 60_000))]));
		await page.waitForTimeout(1000);
		const baseline = rendererRssMb(browserPid);
		let peak = baseline;
		let peakAt = 0;
		const sampled = Date.now();
		const sampler = setInterval(() => {
			const rss = rendererRssMb(browserPid);
			if (rss > peak) (peak = rss), (peakAt = Date.now());
		}, 100);
		try {
			const cdp = process.env.IMPORT_PROFILE ? await context.newCDPSession(page) : null;
			if (cdp) (await cdp.send('Profiler.enable'), await cdp.send('Profiler.setSamplingInterval', { interval: 200 }), await cdp.send('Profiler.start'));
			// IMPORT_TRACE=1: a Chrome trace of the whole browser over the import, read thread by thread
			// (IMPORT_TRACE=app: each long task's samples in Kiln's own source files rather than the framework's).
			if (process.env.IMPORT_TRACE) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
			// Stamps the moment the profile of all rows is on screen (checked at each batch of DOM changes).
			await page.evaluate(() => {
				const observer = new MutationObserver(() => {
					if (!document.querySelector('[data-testid="profile-summary"]')?.textContent?.includes('1,000,000 rows')) return;
					window.__kilnImportDone = performance.now();
					observer.disconnect();
				});
				observer.observe(document.body, { childList: true, subtree: true, characterData: true });
			});
			const start = await page.evaluate((name) => performance.mark(name).startTime, START_MARK);
			const wall = Date.now();
			// IMPORT_CPU=1: CPU seconds per browser thread over the import, from /proc (no tracing, so no slowdown).
			const cpuBefore = process.env.IMPORT_CPU ? cpuSnapshot(browserPid) : null;
			await page.getByTestId('csv-input').setInputFiles(file);
			if (process.env.IMPORT_VERBOSE) {
				// The renderer once the preview is drawn, before Import: what the preview costs apart from the import.
				await page.getByTestId('import-button').and(page.locator(':enabled')).waitFor({ timeout: NO_PROGRESS_MS });
				log(`${((Date.now() - wall) / 1000).toFixed(1)} s: preview shown, renderer ${rendererRssMb(browserPid).toFixed(0)} MB`);
			}
			await page.getByTestId('import-button').click({ timeout: NO_PROGRESS_MS });
			// Waits on progress, not on a budget: fails only when the bar stops moving. The page is
			// read with plain selectors, and the end is stamped by an observer in the page itself:
			// Playwright's role queries walk the accessibility tree on the page's main thread (5-20 ms
			// a look, ~250 ms over an import), and its mutation polling made the import ~2 s slower
			// (interleaved runs), both inside the window this measures.
			let last = '';
			let since = Date.now();
			let doneAt = null;
			for (;;) {
				const seen = await page.evaluate(() => ({ doneAt: window.__kilnImportDone ?? null, bar: document.querySelector('[role="progressbar"]')?.getAttribute('value') ?? 'none' }));
				if (seen.doneAt !== null) {
					doneAt = seen.doneAt;
					break;
				}
				if (seen.bar !== last) {
					last = seen.bar;
					since = Date.now();
					if (process.env.IMPORT_VERBOSE) log(`${((since - wall) / 1000).toFixed(1)} s: bar ${seen.bar}, renderer ${rendererRssMb(browserPid).toFixed(0)} MB`);
				}
				else if (Date.now() - since > NO_PROGRESS_MS) throw new Error(`the import made no progress for ${NO_PROGRESS_MS / 1000} s (bar ${seen.bar})`);
				await new Promise((r) => setTimeout(r, 200));
			}
			const seconds = (doneAt - start) / 1000;
			if (cpuBefore) log(`CPU over the import (up to a 200 ms poll past its end): ${JSON.stringify(cpuBetween(cpuBefore, cpuSnapshot(browserPid), (Date.now() - wall) / 1000))}`);
			if (process.env.IMPORT_TRACE) {
				await page.evaluate((name) => performance.mark(name), END_MARK);
				const text = (await browser.stopTracing()).toString('utf8');
				// IMPORT_TRACE_FILE=path keeps the trace (e.g. for tune-trace.mjs's threadSummary or chrome://tracing).
				if (process.env.IMPORT_TRACE_FILE) writeFileSync(process.env.IMPORT_TRACE_FILE, text);
				const json = JSON.parse(text);
				const events = json.traceEvents ?? json;
				const mark = (name) => events.find((e) => e.name === name)?.ts;
				const mapSource = sourceMapper(join(repo, 'build'));
				for (const line of threadReport(json, mark(START_MARK), mark(END_MARK), mapSource)) log(line);
				for (const t of analyseTrace(json, mapSource).longTasks) {
					log(`long task at +${t.afterTrainMs.toFixed(0)} ms: ${t.durationMs.toFixed(0)} ms wall, ${t.threadCpuMs?.toFixed(0)} ms cpu; self ${t.selfMs.slice(0, 6).map((x) => `${x.name} ${x.ms.toFixed(0)}`).join(' | ')}`);
					for (const f of (process.env.IMPORT_TRACE === 'app' ? t.appSamples : t.inclusiveSamples).slice(0, 12)) log(`    ${f.count} samples ${f.frame}`);
					if (t.beside.length) log(`    beside it: ${t.beside.map((b) => `${b.thread} ${b.cpuMs.toFixed(0)} ms cpu${b.frames?.length ? ` [${b.frames.join('; ')}]` : ''}`).join(' | ')}`);
				}
			}
			if (process.env.IMPORT_VERBOSE) {
				// The renderer a while after the profile is on screen (the table's first rows, the GC).
				await page.waitForTimeout(3000);
				log(`done at ${seconds.toFixed(1)} s; peak ${peak.toFixed(0)} MB at ${((peakAt - sampled) / 1000 - (wall - sampled) / 1000).toFixed(1)} s; 3 s later ${rendererRssMb(browserPid).toFixed(0)} MB`);
			}
			if (cdp) printProfile((await cdp.send('Profiler.stop')).profile);
			const end = await page.evaluate(() => performance.now());
			const summary = await page.getByTestId('dataset-summary').innerText();
			const seen = await page.evaluate(() => window.__kilnLongTasks.longtask);
			if (process.env.IMPORT_VERBOSE) {
				const loaf = await page.evaluate(() => window.__kilnLongTasks.loaf);
				// Names each frame's scripts after their source on a --sourcemap hidden build.
				const frameSource = sourceMapper(join(repo, 'build'));
				for (const t of seen.filter((t) => t.start + t.duration >= start && t.start <= end)) log(`long task at ${((t.start - start) / 1000).toFixed(2)} s: ${t.duration.toFixed(0)} ms`);
				for (const f of loaf.filter((f) => f.start >= start)) log(`frame at ${((f.start - start) / 1000).toFixed(2)} s: ${f.duration.toFixed(0)} ms, blocking ${f.blocking.toFixed(0)}; ${f.scripts.map((x) => `${x.invoker} ${x.fn} ${x.duration.toFixed(0)} ${(x.at >= 0 && scriptSource(join(repo, 'build'), frameSource, x)) || ''}`).join(' | ')}`);
			}
			if (process.env.IMPORT_MESSAGES) for (const m of await page.evaluate(() => window.__kilnMessages)) log(`message at ${((m.at - start) / 1000).toFixed(1)} s read in ${m.ms.toFixed(0)} ms: ${m.shape}`);
			const inImport = seen.filter((t) => t.start + t.duration >= start && t.start <= end).map((t) => t.duration);
			return { seconds, summary, baselineMb: baseline, peakMb: peak, longTasks: inImport.length, longestMs: inImport.length ? Math.max(...inImport) : 0 };
		} finally {
			clearInterval(sampler);
		}
	} finally {
		await context.close();
	}
}

const site = await serveSite({ repo, build: process.env.IMPORT_SKIP_BUILD !== '1', log });
const { chromium } = await import('@playwright/test');
// launch (not launchServer + connect): a connected browser would upload the 120 MB file over its
// socket, where a launched one is handed the path. Its processes are this process's descendants.
// IMPORT_JS_FLAGS: V8 flags for the browser (e.g. "--trace-deopt", read with DEBUG=pw:browser), as the tune bench's TUNE_JS_FLAGS.
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...chromiumArgs(repo, log), ...(process.env.IMPORT_JS_FLAGS ? [`--js-flags=${process.env.IMPORT_JS_FLAGS}`] : [])], headless: true });
const browserPid = process.pid;
const kiln = [];
const pandas = [];
try {
	for (let i = 0; i < repeats; i++) {
		const load = loadavg()[0].toFixed(2);
		kiln.push(await importOnce(browser, site.origin, browserPid));
		pandas.push(JSON.parse(execFileSync('/usr/bin/python3', [join(repo, 'bench/pandas-import.py'), file, '1'], { encoding: 'utf8' }).trim().split('\n').pop()));
		const k = kiln[i];
		log(`run ${i + 1} (load ${load}): studio ${k.seconds.toFixed(1)} s, renderer ${k.baselineMb.toFixed(0)} → ${k.peakMb.toFixed(0)} MB, ${k.longTasks} long tasks (longest ${k.longestMs.toFixed(0)} ms); pandas ${pandas[i].median_seconds} s`);
	}
} finally {
	await browser.close();
	await site.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kilnS = median(kiln.map((r) => r.seconds));
const pandasS = median(pandas.map((r) => r.median_seconds));
console.log(JSON.stringify({
	file,
	file_mb: +fileMb.toFixed(1),
	chromium: browser.version(),
	studio_seconds: kiln.map((r) => +r.seconds.toFixed(1)),
	pandas_seconds: pandas.map((r) => r.median_seconds),
	ratio_rows_per_s: +(pandasS / kilnS).toFixed(2),
	renderer_peak_mb: kiln.map((r) => Math.round(r.peakMb)),
	renderer_baseline_mb: kiln.map((r) => Math.round(r.baselineMb)),
	peak_over_file: +(Math.max(...kiln.map((r) => r.peakMb)) / fileMb).toFixed(2),
	long_tasks: kiln.map((r) => r.longTasks),
	longest_task_ms: kiln.map((r) => Math.round(r.longestMs)),
	summary: kiln[0].summary
}, null, 1));
