// `npm run bench`: Kiln's real tfjs training path in Chromium (per backend) vs PyTorch CPU on
// identical data and work. Prints a table and writes bench/out/results.json. Never part of tests.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureData } from './data.mjs';
import { serve } from './serve.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const REPO = join(BENCH, '..');
const OUT = join(BENCH, 'out');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PYTHON = '/usr/bin/python3';
const EPOCHS = 3;
const LATENCY_RUNS = 300;
const TIMEOUT_MS = 240_000;
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

/** The e2e flags are the ones known to work here; read from the TS source so they stay in sync. */
function chromiumArgs() {
	const source = readFileSync(join(REPO, 'tests/e2e/browser.ts'), 'utf8');
	const block = /CHROMIUM_ARGS\s*=\s*\[([\s\S]*?)\]/.exec(source)?.[1];
	const args = block ? [...block.matchAll(/'([^']+)'/g)].map((m) => m[1]) : [];
	if (args.length > 0) return args;
	log('could not read CHROMIUM_ARGS from tests/e2e/browser.ts; using a copy');
	return ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'];
}

function runTorch(headerPath, threads) {
	if (process.env.BENCH_NO_TORCH === '1') return { skipped: 'PyTorch not installed (see bench/run.sh)' };
	const args = [join(BENCH, 'torch_bench.py'), headerPath, '--epochs', String(EPOCHS), '--latency-runs', String(LATENCY_RUNS), ...(threads ? ['--threads', String(threads)] : [])];
	const run = spawnSync(PYTHON, args, { encoding: 'utf8' });
	if (run.status !== 0) return { skipped: `torch_bench.py failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}` };
	return JSON.parse(run.stdout.trim().split('\n').pop());
}

function withTimeout(promise, ms, what) {
	let timer;
	const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms)));
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runBrowser(plan, data) {
	const { chromium } = await import('@playwright/test');
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(), headless: true });
	const results = [];
	const pages = {};
	try {
		for (const isolate of [true, false]) {
			const items = plan.filter((p) => p.isolate === isolate);
			if (items.length === 0) continue;
			const server = await serve({ root: join(OUT, 'browser'), dataDir: OUT, isolate });
			const context = await browser.newContext();
			try {
				const open = async () => {
					const page = await context.newPage();
					page.on('pageerror', (error) => log(`page error: ${error.message}`));
					await page.goto(server.url);
					await page.waitForFunction(() => typeof window.runBench === 'function');
					return page;
				};
				let page = await open();
				pages[isolate ? 'isolated' : 'plain'] = { crossOriginIsolated: await page.evaluate(() => self.crossOriginIsolated === true) };
				for (const item of items) {
					const request = { backend: item.backend, epochs: item.epochs, samples: item.samples, batchSize: 128, learningRate: 0.001, latencyRuns: LATENCY_RUNS };
					log(`${item.label}: ${item.epochs} epoch(s) × ${Math.min(item.samples, data.n)} samples…`);
					let result;
					try {
						result = await withTimeout(page.evaluate((r) => window.runBench(r), request), TIMEOUT_MS, item.label);
					} catch (error) {
						result = { backend: item.backend, ok: false, reason: error.message.split('\n')[0] };
						await page.close().catch(() => {});
						page = await open();
					}
					log(result.ok ? `${item.label}: ${Math.round(result.samplesPerSecond)} samples/s, batch-1 p50 ${result.latency.medianMs.toFixed(3)} ms, mean ${result.latency.meanMs.toFixed(3)} ms` : `${item.label}: skipped (${result.reason})`);
					results.push({ label: item.label, isolate, ...result });
				}
			} finally {
				await context.close();
				await server.close();
			}
		}
		return { version: browser.version(), results, pages };
	} finally {
		await browser.close();
	}
}

// Two significant digits below 0.1 so that e.g. webgpu's latency ratio does not print as 0.000×.
const ratio = (v) => (v == null || !Number.isFinite(v) ? '—' : `${v < 0.1 ? Number(v.toPrecision(2)) : v.toFixed(2)}×`);
const ms = (v) => (v == null ? '—' : v < 1 ? v.toFixed(3) : v.toFixed(2));
const int = (v) => (v == null ? '—' : Math.round(v).toLocaleString('en-US'));

function table(rows) {
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
	return rows.map((r, i) => r.map((cell, c) => (c === 0 || i === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ').trimEnd()).join('\n');
}

function report(data, torch, torch1, browser, facts) {
	const head = ['backend', 'work (epochs × rows)', 'train samples/s', 'train ×PyTorch', 'train ×PyTorch 1t', 'batch-1 p50 ms', 'batch-1 mean ms', 'latency ×PyTorch', 'last-epoch loss', 'init ms'];
	const rows = [head];
	const native = torch.skipped ? null : torch;
	const single = torch1 && !torch1.skipped ? torch1 : null;
	for (const t of [native, single]) {
		if (!t) continue;
		rows.push([`pytorch (${t.threads} thread${t.threads === 1 ? '' : 's'})`, `${t.epochs} × ${t.samples}`, int(t.samplesPerSecond), ratio(t.samplesPerSecond / native.samplesPerSecond), ratio(single && t.samplesPerSecond / single.samplesPerSecond), ms(t.latency.medianMs), ms(t.latency.meanMs), ratio(native.latency.medianMs / t.latency.medianMs), t.lastEpochLoss.toFixed(4), '—']);
	}
	const skipped = [];
	for (const r of browser.results) {
		if (!r.ok) {
			skipped.push(`${r.label}: ${r.reason}`);
			rows.push([r.label, '—', 'skipped', '—', '—', '—', '—', '—', '—', '—']);
			continue;
		}
		const label = r.wasm ? `${r.label} [${r.wasm.threads ? `threaded, ${r.wasm.threadsCount} thread${r.wasm.threadsCount === 1 ? '' : 's'}` : 'single-thread'}${r.wasm.simd ? ', simd' : ''}]` : r.label;
		// Outside cross-origin isolation performance.now() is coarsened to ~100 µs, so a
		// sub-0.1 ms median is meaningless there; the mean over 300 runs is not.
		const coarse = !r.crossOriginIsolated;
		const latencyRatio = native && (coarse ? native.latency.meanMs / r.latency.meanMs : native.latency.medianMs / r.latency.medianMs);
		rows.push([
			label,
			`${r.epochs} × ${r.samples}`,
			int(r.samplesPerSecond),
			ratio(native && r.samplesPerSecond / native.samplesPerSecond),
			ratio(single && r.samplesPerSecond / single.samplesPerSecond),
			coarse ? 'coarse*' : ms(r.latency.medianMs),
			ms(r.latency.meanMs),
			`${ratio(latencyRatio)}${coarse ? '*' : ''}`,
			r.lastEpochLoss.toFixed(4),
			int(r.initMs)
		]);
	}
	const lines = [
		`Kiln bench — MLP 784-128(relu)-10, softmax cross-entropy, Adam lr 0.001, batch 128, ${data.n} synthetic 28×28 rows (seed ${data.seed}), fixed order, 1 warm-up batch, loss read back every batch.`,
		'',
		table(rows),
		'',
		`train ×PyTorch   = browser samples/s ÷ PyTorch samples/s with torch.set_num_threads(os.cpu_count()) = ${native?.threads ?? '—'} threads (higher is better; 1.00× = native speed).`,
		'train ×PyTorch 1t = the same against PyTorch pinned to 1 thread (on this VM 1 OpenMP thread trained faster than 2; wasm also runs 1 thread).',
		'latency ×PyTorch = PyTorch batch-1 p50 ms ÷ browser batch-1 p50 ms (higher is better; 1.00× = native speed).',
		`batch-1 = model.predict on one row incl. tensor upload and await data(); median of ${LATENCY_RUNS} runs after 20 warm-up runs.`,
		'cpu backend trains 1 epoch on the first 2048 rows only (it is slow); samples/s is still a per-row rate.',
		'* not cross-origin isolated (no COOP/COEP): wasm runs single-threaded and performance.now() is coarsened to ~100 µs, so p50 is unusable; its ratio compares means.',
		'wasm [threaded, N threads]: tfjs-backend-wasm caps its XNNPACK pool at navigator.hardwareConcurrency/2 (setThreadsCount cannot raise it), so 2 cores give 1 thread.',
		'last-epoch loss: mean batch loss of the last timed epoch (init differs between tfjs and PyTorch; cpu saw only 16+1 batches).',
		...[native, single].filter(Boolean).map((t) => `pytorch ${t.threads} thread(s): median of ${t.repeats} full runs, range ${t.samplesPerSecondRange.map(int).join('–')} samples/s.`),
		...skipped.map((s) => `skipped ${s}`),
		'',
		`machine: ${facts.cores} cores (${facts.cpuModel}), load avg at start ${facts.loadavg}; node ${process.version}`,
		`chromium: ${browser.version} (headless, ${CHROMIUM_PATH}); page crossOriginIsolated=${browser.pages.isolated?.crossOriginIsolated ?? '—'}, plain page crossOriginIsolated=${browser.pages.plain?.crossOriginIsolated ?? '—'}, navigator.hardwareConcurrency=${browser.results.find((r) => r.hardwareConcurrency)?.hardwareConcurrency ?? '—'}`,
		native ? `pytorch: ${native.torch} (Debian python3-torch, /usr/bin/python3), torch.get_num_threads()=${native.threads} (os.cpu_count()=${native.cpuCount}); native runs are the median of ${native.repeats} full ${native.epochs}-epoch runs, browser runs are single` : `pytorch: ${torch.skipped}`,
		`timings: vite build ${facts.buildS} s, total ${facts.totalS} s`
	];
	return lines.join('\n');
}

async function main() {
	const started = performance.now();
	const facts = { cores: cpus().length, cpuModel: cpus()[0]?.model?.trim() ?? 'unknown', loadavg: loadavg().map((v) => v.toFixed(2)).join(' ') };
	const data = ensureData(OUT);
	log(`data: ${data.n} rows, ${(data.bytes / 1e6).toFixed(1)} MB (${data.reused ? 'reused' : 'generated'}), sha256 ${data.sha256.slice(0, 12)}…`);

	const buildStart = performance.now();
	if (process.env.BENCH_SKIP_BUILD !== '1') {
		log('vite build bench/browser…');
		const { build } = await import('vite');
		await build({ configFile: join(BENCH, 'browser/vite.config.mjs') });
	}
	facts.buildS = ((performance.now() - buildStart) / 1000).toFixed(1);

	log('pytorch…');
	const torch = runTorch(join(OUT, 'data.json'));
	const torch1 = torch.skipped || torch.threads === 1 ? null : runTorch(join(OUT, 'data.json'), 1);
	for (const t of [torch, torch1]) if (t && !t.skipped) log(`pytorch ${t.threads}t: ${Math.round(t.samplesPerSecond)} samples/s (median of ${t.repeats}), batch-1 ${t.latency.medianMs.toFixed(3)} ms`);

	const full = { epochs: EPOCHS, samples: data.n, isolate: true };
	const plan = [
		{ label: 'wasm', backend: 'wasm', ...full },
		{ label: 'webgl', backend: 'webgl', ...full },
		{ label: 'webgpu', backend: 'webgpu', ...full },
		{ label: 'cpu', backend: 'cpu', ...full, epochs: 1, samples: 2048 },
		{ label: 'wasm (no COOP/COEP)', backend: 'wasm', ...full, isolate: false }
	].filter((p) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').includes(p.label.split(' ')[0]));
	const browser = await runBrowser(plan, data);

	facts.totalS = ((performance.now() - started) / 1000).toFixed(1);
	const text = report(data, torch, torch1, browser, facts);
	writeFileSync(join(OUT, 'results.json'), JSON.stringify({ date: new Date().toISOString(), facts, data, torch, torch1Thread: torch1, chromium: browser, table: text }, null, 2));
	console.log(text);
	if (browser.results.every((r) => !r.ok)) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
