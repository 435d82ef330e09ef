// `npm run bench`: Kiln's real tfjs training path in Chromium (per backend) vs PyTorch CPU on
// identical data and work, in interleaved rounds so both sides see the same machine — the MLP
// (tabular path) and issue 10's small CNN (image path, Kiln's wasm kernels); then the
// main-thread long tasks of the studio page during a digits training run, the text bench,
// prediction latency and issue 11's search timings (bench/tune-bench.mjs).
// Prints a report and writes bench/out/results.json. Never part of the tests.
// BENCH_PARTS=cnn (or any of mlp,cnn,longtasks,text,predict,tune, comma-separated) runs only those parts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBrowserSide } from './browser-side.mjs';
import { ensureData } from './data.mjs';
import { measureLongTasks } from './longtasks.mjs';
import { formatPredictLatency, measurePredictLatency } from './predict-latency.mjs';
import { startNative } from './native.mjs';
import { report } from './report.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const REPO = join(BENCH, '..');
const OUT = join(BENCH, 'out');
// BENCH_EPOCHS (3 by default, both sides): more show the warm-up as per-epoch rates in the log.
const EPOCHS = Math.max(1, Number(process.env.BENCH_EPOCHS ?? 3));
const LATENCY_RUNS = 300;
// Batches trained before the timed epochs, on both sides (BENCH_WARMUP_BATCHES; 1 by default): more
// measure a warm worker's steady state instead of one that still compiles (docs/status.md, #9).
const WARMUP_BATCHES = Math.max(1, Number(process.env.BENCH_WARMUP_BATCHES ?? 1));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// A reference BLAS measured 5.7 GFLOP/s here and OpenBLAS 139.5: below this, ratios would flatter.
const GFLOPS_FLOOR = Number(process.env.BENCH_GFLOPS_FLOOR ?? 30);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'mlp,cnn,longtasks,text,predict,tune').split(',').map((p) => p.trim()));
// The CNN trains ~50× slower per row than the MLP: fewer rows keep a round short (per-row rates still compare).
const CNN_ROWS = Number(process.env.BENCH_CNN_ROWS ?? 2048);
const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const load = () => loadavg().map((v) => v.toFixed(2)).join(' ');
const seconds = (since) => ((performance.now() - since) / 1000).toFixed(1);

// BENCH_ONLY=wasm keeps every row whose label starts with that word; a whole label keeps that row alone.
const onlyBackends = (plan) => plan.filter((p) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').some((o) => o === p.label || o === p.label.split(' ')[0]));

function browserPlan(n) {
	const full = { model: 'mlp', epochs: EPOCHS, samples: n, isolate: true, latencyRuns: LATENCY_RUNS, warmupBatches: WARMUP_BATCHES };
	// The GPU backends run on SwiftShader here and the cpu backend is plain JS: fewer rows keep
	// a round short, and samples/s stays a per-row rate.
	return onlyBackends([
		{ label: 'wasm', backend: 'wasm', ...full },
		// The studio's step with tfjs's XNNPACK matMul for the big products instead of Kiln's GEMM: the A/B of issue 9's GEMM, same rounds.
		{ label: 'wasm XNNPACK products', backend: 'wasm', ...full, gemm: 'off' },
		// Kiln's GEMM splitting its big products with a second thread (startGemmThread; not the studio's default): issue 9's two-core lever.
		{ label: 'wasm GEMM 2 threads', backend: 'wasm', ...full, gemmThreads: 2 },
		// Not the studio's setting (each ML worker keeps tfjs's default, 1 thread here): what a lone training job would gain.
		{ label: 'wasm 2 threads', backend: 'wasm', ...full, threads: 2 },
		{ label: 'webgl', backend: 'webgl', ...full, epochs: 1 },
		{ label: 'webgpu', backend: 'webgpu', ...full, epochs: 1, samples: 2048, latencyRuns: 50 },
		{ label: 'cpu', backend: 'cpu', ...full, epochs: 1, samples: 2048 },
		{ label: 'wasm (no COOP/COEP)', backend: 'wasm', ...full, isolate: false },
		// The studio's training workers warm themselves on synthetic networks before a run (workers/lib/trial-warmup.ts): a run then starts at the warm rate.
		{ label: 'wasm after the studio warm-up', backend: 'wasm', ...full, studioWarmUp: true },
		// The same with Kiln's GEMM on a second thread (a lone training job on a cross-origin isolated page could have it).
		{ label: 'wasm GEMM 2 threads after the studio warm-up', backend: 'wasm', ...full, studioWarmUp: true, gemmThreads: 2 }
	]);
}

/**
 * Issue 10's CNN: the same rows on PyTorch (part.work) and on wasm, as the studio trains it and
 * as plain tfjs-wasm. The GPU backends (SwiftShader here) and cpu made 2–8 samples/s, so one
 * round of them takes minutes: only with BENCH_CNN_ALL=1, on one batch.
 */
function cnnPlan(n) {
	const full = { model: 'cnn', epochs: 1, samples: Math.min(CNN_ROWS, n), isolate: true, latencyRuns: LATENCY_RUNS, warmupBatches: WARMUP_BATCHES };
	const slow = { ...full, samples: 128, latencyRuns: 20 };
	return onlyBackends([
		{ label: 'wasm', backend: 'wasm', ...full, kernels: 'kiln' },
		// Plain tfjs-wasm: what the issue measured at ~0.05× before Kiln's kernels.
		{ label: 'wasm plain (RECIPES §3 kernel only)', backend: 'wasm', ...full, kernels: 'recipe', samples: 256, latencyRuns: 100 },
		...(process.env.BENCH_CNN_ALL === '1'
			? [
					{ label: 'webgl', backend: 'webgl', ...slow },
					{ label: 'webgpu', backend: 'webgpu', ...slow },
					{ label: 'cpu', backend: 'cpu', ...slow }
				]
			: []),
		{ label: 'wasm (no COOP/COEP)', backend: 'wasm', ...full, kernels: 'kiln', isolate: false }
	]);
}

async function startNativeSide(headerPath) {
	if (process.env.BENCH_NO_TORCH === '1') return { native: null, probe: null };
	const native = startNative(join(BENCH, 'torch_bench.py'), headerPath, { epochs: EPOCHS, latencyRuns: LATENCY_RUNS, warmupBatches: WARMUP_BATCHES });
	try {
		return { native, probe: await native.probe() };
	} catch (error) {
		await native.close();
		return { native: null, probe: { error: error.message } };
	}
}

async function main() {
	const started = performance.now();
	mkdirSync(OUT, { recursive: true });
	const facts = { cores: cpus().length, cpuModel: cpus()[0]?.model?.trim() ?? 'unknown', loadBefore: load(), roundLoads: [] };
	log(`load avg before: ${facts.loadBefore}`);
	const data = { ...ensureData(OUT), warmupBatches: WARMUP_BATCHES };
	log(`data: ${data.n} rows, ${(data.bytes / 1e6).toFixed(1)} MB (${data.reused ? 'reused' : 'generated'}), sha256 ${data.sha256.slice(0, 12)}…`);

	const buildStart = performance.now();
	// The bench page and PyTorch serve the MLP and CNN parts only.
	const modelParts = PARTS.has('mlp') || PARTS.has('cnn');
	if (process.env.BENCH_SKIP_BUILD !== '1' && modelParts) {
		log('vite build bench/browser…');
		const { build } = await import('vite');
		await build({ configFile: join(BENCH, 'browser/vite.config.mjs') });
	}
	facts.buildS = seconds(buildStart);

	const { native, probe } = modelParts ? await startNativeSide(join(OUT, 'data.json')) : { native: null, probe: null };
	if (probe?.loadedBlas) log(`native BLAS: ${probe.loadedBlas.join(', ')}${probe.reference ? ' (REFERENCE BLAS)' : ''}`);
	else if (probe?.error) log(`native side unavailable: ${probe.error}`);
	const threadSettings = probe?.cpuCount > 1 ? [probe.cpuCount, 1] : probe ? [1] : [];

	// One entry per model part: its browser plan, the native work that matches it, and the runs.
	const parts = [];
	if (PARTS.has('mlp')) parts.push({ name: 'mlp', plan: browserPlan(data.n), work: {} });
	if (PARTS.has('cnn')) parts.push({ name: 'cnn', plan: cnnPlan(data.n), work: { model: 'cnn', samples: Math.min(CNN_ROWS, data.n), epochs: 1 } });
	for (const part of parts) {
		part.nativeRuns = Object.fromEntries(threadSettings.map((t) => [t, []]));
		part.browserRuns = Object.fromEntries(part.plan.map((p) => [p.label, []]));
	}
	const browserSide = parts.length ? await openBrowserSide({ repo: REPO, root: join(OUT, 'browser'), dataDir: OUT, log }) : null;
	const roundsStart = performance.now();
	try {
		const browserPass = async (part, round) => {
			for (const item of part.plan) {
				const r = await browserSide.measure(item, LATENCY_RUNS);
				part.browserRuns[item.label].push({ round, ...r });
				log(`round ${round + 1} ${part.name} ${item.label}: ${r.ok ? `${Math.round(r.samplesPerSecond)} samples/s (by epoch ${r.epochMs.map((ms) => Math.round((r.samples / ms) * 1000)).join(' ')}${r.warmUpMs ? `; warm-up ${Math.round(r.warmUpMs)} ms` : ''}), batch-1 p50 ${r.latency.medianMs.toFixed(3)} ms` : `skipped (${r.reason})`}`);
			}
		};
		const nativePass = async (part, round) => {
			for (const threads of threadSettings) {
				try {
					const r = await native.run(threads, part.work);
					part.nativeRuns[threads].push({ round, ...r });
					log(`round ${round + 1} ${part.name} pytorch ${threads}t: ${Math.round(r.samplesPerSecond)} samples/s, matmul ${r.matmulGflops.toFixed(1)} GFLOP/s, batch-1 p50 ${r.latency.medianMs.toFixed(3)} ms`);
				} catch (error) {
					part.nativeRuns[threads].push({ round, ok: false, reason: error.message });
					log(`round ${round + 1} ${part.name} pytorch ${threads}t failed: ${error.message}`);
				}
			}
		};
		for (let round = 0; round < (parts.length ? ROUNDS : 0); round++) {
			facts.roundLoads.push(loadavg()[0].toFixed(2));
			for (const part of parts) {
				// Alternate which side goes first, so neither always inherits the other's leftovers.
				const passes = round % 2 === 0 ? [browserPass, nativePass] : [nativePass, browserPass];
				for (const pass of passes) await pass(part, round);
			}
		}
	} finally {
		await browserSide?.close();
		await native?.close();
	}
	facts.roundsS = seconds(roundsStart);

	const longStart = performance.now();
	let longTasks = null;
	if (PARTS.has('longtasks') && process.env.BENCH_SKIP_LONGTASKS !== '1') {
		try {
			longTasks = await measureLongTasks({ repo: REPO, out: OUT, log, build: process.env.BENCH_SKIP_BUILD !== '1' });
		} catch (error) {
			log(`long tasks not measured: ${error.message}`);
			longTasks = null;
			facts.longTasksError = error.message;
		}
	}
	facts.longTasksS = seconds(longStart);

	// Issue 7: a raw row → label in the studio (page, worker and back) against onnxruntime-node on the same ONNX.
	let predictLatency = null;
	if (PARTS.has('predict')) {
		const predictStart = performance.now();
		try {
			// The long-task part has just built the site; build it here only when it did not run.
			const build = process.env.BENCH_SKIP_BUILD !== '1' && !(PARTS.has('longtasks') && process.env.BENCH_SKIP_LONGTASKS !== '1' && longTasks);
			predictLatency = await measurePredictLatency({ repo: REPO, log, build, rounds: ROUNDS });
		} catch (error) {
			log(`prediction latency not measured: ${error.message}`);
			facts.predictError = error.message;
		}
		facts.predictS = seconds(predictStart);
	}

	// Issue 13: transformer training tokens/s, Kiln vs PyTorch's faster thread setting (bench/text).
	let textBench = null;
	if (PARTS.has('text') && process.env.BENCH_SKIP_TEXT !== '1' && process.env.BENCH_NO_TORCH !== '1') {
		try {
			const out = execFileSync('npx', ['vitest', 'run', '--config', 'bench/text/vitest.config.ts', 'bench/text/transformer-speed.run.ts'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ROUNDS: process.env.ROUNDS_TEXT ?? '3' } });
			textBench = JSON.parse(out.split('\n').find((l) => l.includes('TEXT_BENCH ')).split('TEXT_BENCH ')[1]);
			log(`text transformer: Kiln ${Math.round(textBench.kilnTokensPerSecond)} tokens/s, PyTorch (${textBench.torchThreads} thread${textBench.torchThreads > 1 ? 's' : ''}) ${Math.round(Math.max(textBench.torch1, textBench.torch2))}: ${textBench.ratio.toFixed(2)}×`);
		} catch (error) {
			log(`text transformer bench not measured: ${error.message.split('\n')[0]}`);
		}
	}
	facts.textBench = textBench;

	// Issue 11: a fixed 16-trial search on one worker against the pool, and ASHA against the full grid, in the built studio (bench/tune-bench.mjs, warm).
	let tuneBench = null;
	if (PARTS.has('tune')) {
		const tuneStart = performance.now();
		try {
			const built = (PARTS.has('longtasks') && longTasks) || (PARTS.has('predict') && predictLatency);
			if (process.env.BENCH_SKIP_BUILD !== '1' && !built) {
				log('vite build (the studio site)…');
				const run = spawnSync(process.execPath, [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
				if (run.status !== 0) throw new Error(`vite build failed (${run.status ?? run.signal})`);
			}
			log('tune bench (bench/tune-bench.mjs, warm)…');
			execFileSync(process.execPath, [join(BENCH, 'tune-bench.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, TUNE_WARM: process.env.TUNE_WARM ?? 'warm' } });
			tuneBench = JSON.parse(readFileSync(join(OUT, 'tune.json'), 'utf8'));
		} catch (error) {
			log(`tune bench not measured: ${error.message.split('\n')[0]}`);
			facts.tuneError = error.message;
		}
		facts.tuneS = seconds(tuneStart);
	}
	facts.loadAfter = load();
	facts.totalS = seconds(started);

	const { text, verdict } = report({ data, probe, parts, browserInfo: browserSide, longTasks, facts, floor: GFLOPS_FLOOR, rounds: ROUNDS });
	const results = Object.fromEntries(parts.map((p) => [p.name, { plan: p.plan, nativeRuns: p.nativeRuns, browserRuns: p.browserRuns }]));
	writeFileSync(join(OUT, 'results.json'), JSON.stringify({ date: new Date().toISOString(), facts, data, probe, verdict, ...results, longTasks, predictLatency, tune: tuneBench, table: text }, null, 2));
	console.log(text);
	if (predictLatency) console.log(`\n${formatPredictLatency(predictLatency)}`);
	if (tuneBench) console.log(`\n${formatTune(tuneBench)}`);
	if (textBench) console.log(`\nText (issue 13): transformer encoder (2 layers, d=64, 4 heads, sequence 64) training ${Math.round(textBench.kilnTokensPerSecond)} tokens/s in Kiln (tfjs-${textBench.backend}, Node) vs ${Math.round(Math.max(textBench.torch1, textBench.torch2))} in PyTorch (${textBench.torchThreads} thread${textBench.torchThreads > 1 ? 's' : ''}): ${textBench.ratio.toFixed(2)}× (aim ≥ 0.3×), load ${textBench.loadBefore} → ${textBench.loadAfter}.`);
	if (parts.length && parts.every((p) => Object.values(p.browserRuns).flat().every((r) => !r.ok))) process.exitCode = 1;
	if (PARTS.has('predict') && !predictLatency) process.exitCode = 1;
}

/** Issue 11's two bars from bench/out/tune.json: the pool's speed-up per trial length, ASHA's share of the grid's time. */
function formatTune(tune) {
	const lines = ['Tune (issue 11): a fixed 16-trial search (digits, random, seed 42), one worker against the pool of two (aim ≥ 1.8×):'];
	for (const [key, pool] of Object.entries(tune).filter(([k]) => /^pool\d*$/.test(k))) {
		const sorted = [...pool.ceilings].sort((a, b) => a - b);
		lines.push(`  ${pool.epochs} epochs a trial${key === 'pool' ? ' (the Tune form\'s default)' : ''}: median ${pool.medianSpeedup.toFixed(2)}× (pairs ${pool.speedups.map((x) => x.toFixed(2)).join(', ')}; two workers of plain compute got ${sorted[0]}–${sorted.at(-1)}× at those moments)`);
		if (pool.medianWorkersOnly != null) lines.push(`    from CPU seconds: the workers alone would give ${pool.medianWorkersOnly.toFixed(2)}× (median); the rest of the browser took ${Math.round(pool.medianOverhead * 100)} % of the workers' CPU in the pool's search`);
	}
	if (tune.asha) lines.push(`  ASHA (3/9/27 epochs, η 3) reached the full grid's best at ${tune.asha.ratio === null ? 'no point' : `${Math.round(tune.asha.ratio * 100)} %`} of the grid's ${tune.asha.gridSeconds.toFixed(1)} s (aim ≤ 33 %).`);
	return lines.join('\n');
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
