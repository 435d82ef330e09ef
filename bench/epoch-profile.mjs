// Why a fresh worker's first MLP epochs are slow (#9): one wasm bench run under a Chrome trace,
// the training worker's V8 samples and its GC / compile events split by epoch (the worker marks
// each epoch). Prints, per epoch, the time in the top functions (self time) and in GC.
// `node bench/epoch-profile.mjs [epochs]` (EPOCH_SKIP_BUILD=1 reuses bench/out/browser;
// EPOCH_STUDIO_WARMUP=1 runs the studio's warm-up first; EPOCH_CATEGORIES=a,b picks the trace
// categories, e.g. "blink.user_timing,v8,v8.wasm,disabled-by-default-v8.compile,toplevel" for
// compile and GC work without the sampler's overhead; EPOCH_PROC=1 traces nothing and prints CPU
// per Chromium thread per epoch from /proc instead). With BENCH_JS_FLAGS="--trace-opt --trace-deopt"
// and DEBUG=pw:browser, V8's output carries a kilnEpochMarkerN line where epoch N starts.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBrowserSide } from './browser-side.mjs';
import { ensureData } from './data.mjs';
import { samplesOf } from './trace.mjs';
import { cpuBetween, cpuSnapshot, findBrowserPid } from './tune-trace.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const OUT = join(BENCH, 'out');
const EPOCHS = Number(process.argv[2] ?? 8);
const log = (m) => process.stderr.write(`[epoch-profile] ${m}\n`);

const data = ensureData(OUT);
if (process.env.EPOCH_SKIP_BUILD !== '1') {
	const { build } = await import('vite');
	await build({ configFile: join(BENCH, 'browser/vite.config.mjs') });
}
// A switch of no meaning to Chromium, so /proc finds this browser's processes.
const MARKER = '--kiln-epoch-profile';
const side = await openBrowserSide({ repo: join(BENCH, '..'), root: join(OUT, 'browser'), dataDir: OUT, log, args: [MARKER] });
const categories = process.env.EPOCH_CATEGORIES ? process.env.EPOCH_CATEGORIES.split(',') : ['disabled-by-default-v8.cpu_profiler', 'blink.user_timing', 'v8', 'v8.wasm', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'];
const PROC = process.env.EPOCH_PROC === '1';
const browserPid = findBrowserPid(MARKER);
const snapshots = [];
const sampler = PROC ? setInterval(() => snapshots.push({ t: Date.now(), cpu: cpuSnapshot(browserPid) }), 50) : null;
if (!PROC) await side.browser.startTracing(side.page(true), { categories });
const result = await side.measure({ label: 'wasm', backend: 'wasm', model: 'mlp', epochs: EPOCHS, samples: data.n, isolate: true, latencyRuns: 5, warmupBatches: 1, studioWarmUp: process.env.EPOCH_STUDIO_WARMUP === '1', logEpochs: true }, 5);
if (PROC) {
	clearInterval(sampler);
	await side.close();
	if (!result.ok) throw new Error(result.reason);
	// The snapshot nearest each epoch boundary (the worker's wall clock, ms since the Unix epoch).
	const near = (t) => snapshots.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best));
	for (let i = 0; i + 1 < result.epochAt.length; i++) {
		const { byThread } = cpuBetween(near(result.epochAt[i]).cpu, near(result.epochAt[i + 1]).cpu, result.epochMs[i] / 1000, 0);
		const top = Object.entries(byThread).slice(0, 5);
		console.log(`epoch ${i}: ${Math.round(result.epochMs[i])} ms wall; CPU ms ${top.map(([k, s]) => `${k} ${Math.round(s * 1000)}`).join(' · ')}`);
	}
	console.log(`rates by epoch: ${result.epochMs.map((ms) => Math.round((result.samples / ms) * 1000)).join(' ')}`);
	process.exit(0);
}
const buffer = await side.browser.stopTracing();
await side.close();
writeFileSync(join(OUT, 'epoch-trace.json'), buffer);
if (!result.ok) throw new Error(result.reason);
log(`rates by epoch: ${result.epochMs.map((ms) => Math.round((result.samples / ms) * 1000)).join(' ')}`);

const events = JSON.parse(buffer.toString('utf8')).traceEvents;
const marks = events.filter((e) => e.name?.startsWith('kiln-bench:epoch-'));
const start = (i) => marks.find((e) => e.name === `kiln-bench:epoch-${i}`);
const end = (i) => marks.find((e) => e.name === `kiln-bench:epoch-${i}-end`);
if (!start(0)) throw new Error('no epoch marks in the trace');
const { pid, tid } = start(0);

// V8 samples of the worker thread, leaf frame per sample.
const samples = samplesOf(events, pid, tid).map((x) => ({ t: x.t, leaf: x.stack.at(-1) ?? '(none)' }));
const gaps = samples.slice(1).map((s, i) => s.t - samples[i].t).sort((a, b) => a - b);
log(`worker samples: ${samples.length}, median interval ${gaps[Math.floor(gaps.length / 2)] ?? '?'} µs`);

// Events on the worker thread with a duration, by name (GC, compile …), and on other threads of the process.
const timed = events.filter((e) => e.pid === pid && e.ph === 'X' && typeof e.dur === 'number');
const threadNames = new Map(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid).map((e) => [e.tid, e.args?.name]));
for (let i = 0; i < EPOCHS; i++) {
	const a = start(i)?.ts;
	const b = end(i)?.ts;
	if (a == null || b == null) continue;
	const inside = samples.filter((s) => s.t >= a && s.t < b);
	const byLeaf = new Map();
	for (const s of inside) byLeaf.set(s.leaf, (byLeaf.get(s.leaf) ?? 0) + 1);
	const top = [...byLeaf].sort((x, y) => y[1] - x[1]).slice(0, 9);
	const own = new Map();
	const others = new Map();
	for (const e of timed) {
		if (e.ts < a || e.ts >= b) continue;
		if (!/GC|Compile|Tier|Scaveng|Mark|Sweep|Optimiz|Maglev|Turbofan|wasm/i.test(e.name)) continue;
		const target = e.tid === tid ? own : others;
		const key = e.tid === tid ? e.name : `${threadNames.get(e.tid) ?? e.tid}: ${e.name}`;
		target.set(key, (target.get(key) ?? 0) + e.dur);
	}
	const ms = (us) => (us / 1000).toFixed(1);
	// The whole epoch runs in one task of the worker (its loss reads resolve at once on wasm), so its thread CPU per epoch comes from EPOCH_PROC=1.
	console.log(`epoch ${i}: ${ms(b - a)} ms wall, ${inside.length} samples`);
	console.log(`  leaf: ${top.map(([k, n]) => `${k} ×${n}`).join(' · ')}`);
	console.log(`  worker events: ${[...own].sort((x, y) => y[1] - x[1]).slice(0, 6).map(([k, us]) => `${k} ${ms(us)}`).join(' · ')}`);
	console.log(`  other threads: ${[...others].sort((x, y) => y[1] - x[1]).slice(0, 6).map(([k, us]) => `${k} ${ms(us)}`).join(' · ')}`);
}
