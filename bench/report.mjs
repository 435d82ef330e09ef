// The text `npm run bench` prints: the native BLAS check, then one row per backend with the
// median and range over the interleaved rounds, and ratios only when the native side is fit.
import { median, summarise } from './stats.mjs';
import { formatLongTasks } from './trace.mjs';

// Two significant digits below 0.1 so that e.g. webgpu's latency ratio does not print as 0.000×.
const ratio = (v) => (v == null || !Number.isFinite(v) ? '—' : `${v < 0.1 ? Number(v.toPrecision(2)) : v.toFixed(2)}×`);
const ms = (v) => (v == null ? '—' : v < 1 ? v.toFixed(3) : v.toFixed(2));
const int = (v) => (v == null ? '—' : Math.round(v).toLocaleString('en-US'));
const range = (s, f) => (s ? `${f(s.min)}–${f(s.max)}` : '—');
const pick = (runs, f) => summarise(runs.filter((r) => r.ok !== false).map(f));

function table(rows) {
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
	return rows.map((r, i) => r.map((cell, c) => (c === 0 || i === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ').trimEnd()).join('\n');
}

/** Whether ratios may be printed: an optimised BLAS that reaches the GFLOP/s floor. */
export function nativeVerdict(probe, nativeRuns, floor) {
	if (!probe) return { fit: false, why: 'no native side (PyTorch missing, see bench/run.sh)' };
	if (probe.error) return { fit: false, why: `the native probe failed: ${probe.error}` };
	if (probe.reference) return { fit: false, why: `PyTorch runs on the reference BLAS (${probe.loadedBlas.join(', ')}): install libopenblas0-pthread` };
	const best = Math.max(...Object.values(nativeRuns).map((runs) => pick(runs, (r) => r.matmulGflops)?.median ?? 0));
	if (!(best >= floor)) return { fit: false, best, why: `native matmul reached only ${best.toFixed(1)} GFLOP/s (median, best thread setting), below the ${floor} GFLOP/s floor: the BLAS is not an optimised one or the machine is too loaded for a fair comparison` };
	return { fit: true, best };
}

function blasLines(probe, nativeRuns, verdict, floor) {
	if (!probe || probe.error) return [`native BLAS: unknown (${probe?.error ?? 'no native side'})`];
	const ob = probe.openblas;
	const lines = [
		`native BLAS loaded by PyTorch: ${probe.loadedBlas.join(', ') || 'none found in /proc/self/maps'}${ob ? ` — ${ob.config}, core ${ob.core}, ${ob.threads} thread(s)` : ''}`,
		`  torch ${probe.torch} build info BLAS_INFO=${probe.buildBlasInfo} (Debian's torch calls whatever libblas.so.3 the system points to; the file above is the one really loaded)${Object.keys(probe.env).length ? `; env ${Object.entries(probe.env).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`
	];
	for (const [threads, runs] of Object.entries(nativeRuns).sort((a, b) => Number(b[0]) - Number(a[0]))) {
		const g = pick(runs, (r) => r.matmulGflops);
		lines.push(`  PyTorch matmul ${runs[0]?.matmulSize ?? 1024}×${runs[0]?.matmulSize ?? 1024} float32, ${threads} thread(s): median ${g ? g.median.toFixed(1) : '—'} GFLOP/s (min–max ${range(g, (v) => v.toFixed(1))}, ${g?.n ?? 0} round(s), each the median of 7)`);
	}
	lines.push(verdict.fit ? `  native side fit for ratios (≥ ${floor} GFLOP/s floor).` : `  RATIOS REFUSED: ${verdict.why}. Raw figures are shown below; do not read them as a comparison.`);
	return lines;
}

/** The batches each side trains before the timed epochs (results from before BENCH_WARMUP_BATCHES: 1). */
const warmUp = ({ warmupBatches = 1 }) => `${warmupBatches} warm-up batch${warmupBatches === 1 ? '' : 'es'}`;

const TITLES = {
	mlp: (data) => `MLP 784-128(relu)-10, softmax cross-entropy, Adam lr 0.001, batch 128, ${data.n} synthetic 28×28 rows (seed ${data.seed}), fixed order, ${warmUp(data)}, loss read back every batch.`,
	cnn: (data) =>
		`CNN of issue 10 (conv 32 3×3 relu, max-pool 2, conv 64 3×3 relu, max-pool 2, dense 128 relu, dense 10; 'valid' convs), softmax cross-entropy, Adam lr 0.001, batch 128, the first rows of the same ${data.n} synthetic 28×28 images as 1-channel images, fixed order, ${warmUp(data)}, loss read back every batch. Browser: the studio's buildCnn + makeCnnStep (as fitCnn trains) with Kiln's wasm kernels (registerWasmKernels); PyTorch: the same network in NCHW.`
};

/** The table of one model part: PyTorch rows per thread setting, then one row per browser plan item. */
function partTable({ nativeRuns, browserRuns, plan, rounds, verdict }) {
	const nativeKeys = Object.keys(nativeRuns).map(Number).sort((a, b) => b - a);
	const sps = (runs) => pick(runs, (r) => r.samplesPerSecond);
	const many = nativeKeys.length ? sps(nativeRuns[nativeKeys[0]]) : null;
	const one = nativeKeys.includes(1) && nativeKeys[0] !== 1 ? sps(nativeRuns[1]) : null;
	const manyLatency = nativeKeys.length ? pick(nativeRuns[nativeKeys[0]], (r) => r.latency.medianMs) : null;
	const manyLatencyMean = nativeKeys.length ? pick(nativeRuns[nativeKeys[0]], (r) => r.latency.meanMs) : null;
	const shown = (v) => (verdict.fit ? ratio(v) : '—');

	const head = ['backend', 'work (epochs × rows)', 'rounds', 'train samples/s median', 'min–max', `×PyTorch ${nativeKeys[0] ?? ''}t`, '×PyTorch 1t', 'batch-1 p50 ms median', 'min–max', 'latency ×PyTorch', 'last-epoch loss', 'init ms'];
	const rows = [head];
	for (const threads of nativeKeys) {
		const runs = nativeRuns[threads];
		const s = sps(runs);
		const lat = pick(runs, (r) => r.latency.medianMs);
		rows.push([`pytorch (${threads} thread${threads === 1 ? '' : 's'})`, `${runs[0]?.epochs ?? '—'} × ${runs[0]?.samples ?? '—'}`, `${s?.n ?? 0}/${rounds}`, int(s?.median), range(s, int), shown(s && many && s.median / many.median), shown(s && one && s.median / one.median), ms(lat?.median), range(lat, ms), shown(lat && manyLatency && manyLatency.median / lat.median), runs.at(-1)?.lastEpochLoss?.toFixed(4) ?? '—', '—']);
	}
	const skipped = [];
	const perRound = [];
	for (const item of plan) {
		const runs = browserRuns[item.label];
		const ok = runs.filter((r) => r.ok);
		for (const r of runs) if (!r.ok) skipped.push(`${item.label}: ${r.reason}`);
		const first = ok[0];
		const s = sps(ok);
		if (!first) {
			rows.push([item.label, '—', `0/${rounds}`, 'skipped', '—', '—', '—', '—', '—', '—', '—', '—']);
			continue;
		}
		const label = first.wasm ? `${item.label} [${first.wasm.threads ? `threaded, ${first.wasm.threadsCount} thread${first.wasm.threadsCount === 1 ? '' : 's'}` : 'single-thread'}${first.wasm.simd ? ', simd' : ''}${item.model === 'mlp' || !item.model ? (first.wasm.adamSimd ? ', Adam simd' : ', Adam js') + (first.wasm.gemm ? `, GEMM ${first.wasm.gemm}` : '') : ''}]` : item.label;
		// Outside cross-origin isolation performance.now() is coarsened to ~100 µs, so a
		// sub-0.1 ms median is meaningless there; the mean over the latency runs is not.
		const coarse = !first.crossOriginIsolated;
		const lat = pick(ok, (r) => r.latency.medianMs);
		const latMean = pick(ok, (r) => r.latency.meanMs);
		const latencyRatio = coarse ? manyLatencyMean && latMean && manyLatencyMean.median / latMean.median : manyLatency && lat && manyLatency.median / lat.median;
		rows.push([label, `${first.epochs} × ${first.samples}`, `${ok.length}/${rounds}`, int(s.median), range(s, int), shown(many && s.median / many.median), shown(one && s.median / one.median), coarse ? 'coarse*' : ms(lat.median), coarse ? `mean ${ms(latMean.median)}` : range(lat, ms), `${shown(latencyRatio)}${coarse ? '*' : ''}`, median(ok.map((r) => r.lastEpochLoss)).toFixed(4), int(median(ok.map((r) => r.initMs)))]);
		const reference = one ? nativeRuns[1] : nativeRuns[nativeKeys[0]];
		const same = runs.map((r) => {
			const other = reference?.find((n) => n.round === r.round && n.ok !== false);
			return r.ok && other ? r.samplesPerSecond / other.samplesPerSecond : null;
		});
		const spread = summarise(same);
		if (spread) perRound.push(`${item.label} ${ratio(spread.min)}–${ratio(spread.max)}`);
	}
	return { table: table(rows), perRound, skipped, refThreads: one ? 1 : nativeKeys[0] };
}

/**
 * Issue 10's bars in one line each: wasm CNN training against PyTorch at its faster thread
 * setting (the higher median samples/s), with the ratio taken round by round too, and batch-1
 * image prediction against PyTorch's faster (lower p50) setting.
 */
function cnnBars({ nativeRuns, browserRuns, verdict }) {
	const wasm = (browserRuns.wasm ?? []).filter((r) => r.ok);
	const settings = Object.entries(nativeRuns).map(([threads, runs]) => ({ threads, runs: runs.filter((r) => r.ok !== false) })).filter((s) => s.runs.length);
	if (!wasm.length || !settings.length) return ['CNN bars: not measured (no wasm or no PyTorch runs).'];
	const sps = (runs) => median(runs.map((r) => r.samplesPerSecond));
	const p50 = (runs) => median(runs.map((r) => r.latency.medianMs));
	const fast = settings.reduce((a, b) => (sps(b.runs) > sps(a.runs) ? b : a));
	const quick = settings.reduce((a, b) => (p50(b.runs) < p50(a.runs) ? b : a));
	const perRound = summarise(wasm.map((r) => {
		const best = Math.max(...settings.map((s) => s.runs.find((n) => n.round === r.round)?.samplesPerSecond ?? 0));
		return best > 0 ? r.samplesPerSecond / best : null;
	}));
	const train = sps(wasm) / sps(fast.runs);
	const latency = p50(quick.runs) / p50(wasm);
	const plain = (browserRuns['wasm plain (RECIPES §3 kernel only)'] ?? []).filter((r) => r.ok);
	const cores = settings.map((s) => `${s.threads}t ${median(s.runs.map((r) => (r.trainCpuMs ?? NaN) / r.trainMs)).toFixed(2)}`).join(', ');
	const note = verdict.fit ? '' : ' — RATIOS REFUSED (see above): not a comparison';
	return [
		`CNN training, wasm vs PyTorch at its faster thread setting (${fast.threads} thread${fast.threads === '1' ? '' : 's'}): ${int(sps(wasm))} vs ${int(sps(fast.runs))} samples/s = ${verdict.fit ? ratio(train) : '—'} (target ≥ 0.3×; per-round ${perRound ? `${ratio(perRound.min)}–${ratio(perRound.max)}` : '—'})${note}`,
		plain.length ? `  plain tfjs-wasm (RECIPES §3 kernel only) in the same rounds: ${int(sps(plain))} samples/s = ${verdict.fit ? ratio(sps(plain) / sps(fast.runs)) : '—'}; Kiln's kernels make wasm ${(sps(wasm) / sps(plain)).toFixed(1)}× faster.` : null,
		`  PyTorch CPU-seconds per wall-second while training (median): ${cores} (torch.set_num_threads does not bound OpenBLAS's own threads).`,
		`CNN batch-1 image prediction (uint8 pixels → /255 → model → softmax, read back), wasm vs PyTorch's faster setting (${quick.threads} thread${quick.threads === '1' ? '' : 's'}): p50 ${ms(p50(wasm))} vs ${ms(p50(quick.runs))} ms = ${verdict.fit ? ratio(latency) : '—'} (higher is better)${note}`
	].filter((l) => l !== null);
}

export function report({ data, probe, parts, browserInfo, longTasks, facts, floor, rounds }) {
	// Every native run measures the matmul: the BLAS check pools them over the parts.
	const allNative = {};
	for (const part of parts) for (const [threads, runs] of Object.entries(part.nativeRuns)) (allNative[threads] ??= []).push(...runs);
	const verdict = nativeVerdict(probe, allNative, floor);
	const sections = [];
	for (const part of parts) {
		const { table: text, perRound, skipped, refThreads } = partTable({ ...part, rounds, verdict });
		sections.push(
			`== ${TITLES[part.name](data)}`,
			'',
			text,
			'',
			verdict.fit && perRound.length ? `per-round ratios against PyTorch ${refThreads}t in the same round (min–max): ${perRound.join(' · ')}` : null,
			...(part.name === 'cnn' ? cnnBars({ ...part, verdict }) : []),
			...skipped.map((s) => `skipped ${s}`),
			''
		);
	}
	const plans = parts.flatMap((p) => p.plan);
	const lines = [
		`Kiln bench — ${parts.map((p) => p.name.toUpperCase()).join(' + ') || 'no model part'} (BENCH_PARTS), browser vs PyTorch on the CPU.`,
		`${rounds} interleaved rounds: each round measures every browser backend once and PyTorch once per thread setting, part by part (browser first in odd rounds, native first in even ones); medians are over rounds.`,
		'',
		...blasLines(probe, allNative, verdict, floor),
		'',
		...sections,
		verdict.fit ? `×PyTorch Nt = median browser samples/s ÷ median PyTorch samples/s with N threads, both over the same rounds (higher is better; 1.00× = native speed).` : 'Ratio columns are empty: see RATIOS REFUSED above.',
		'latency ×PyTorch = PyTorch batch-1 p50 ms ÷ browser batch-1 p50 ms (medians over rounds; higher is better).',
		`batch-1 = one prediction incl. tensor upload and await data() (CNN: from uint8 pixels, with softmax, as the studio's Predict); p50 of ${plans[0]?.latencyRuns ?? 300} runs after 20 warm-up runs (fewer on the slow backends: ${[...new Set(plans.filter((p) => p.latencyRuns !== (plans[0]?.latencyRuns ?? 300)).map((p) => `${p.model} ${p.label.split(' ')[0]} ${p.latencyRuns}`))].join(', ') || 'none'}).`,
		'Slow backends train fewer rows (see work); samples/s is a per-row rate, so it still compares.',
		'* not cross-origin isolated (no COOP/COEP): wasm runs single-threaded and performance.now() is coarsened to ~100 µs, so p50 is unusable; its ratio compares means.',
		'wasm [threaded, N threads]: tfjs-backend-wasm caps its XNNPACK pool at navigator.hardwareConcurrency/2, so 2 cores give 1 thread.',
		'last-epoch loss: mean batch loss of the last timed epoch (init differs between tfjs and PyTorch).',
		'',
		longTasks ? formatLongTasks(longTasks) : 'Long tasks: not measured (BENCH_PARTS without longtasks, or BENCH_SKIP_LONGTASKS=1).',
		'',
		`machine: ${facts.cores} cores (${facts.cpuModel}); load avg (1/5/15 min) before ${facts.loadBefore}, after ${facts.loadAfter}; 1-min load at each round ${facts.roundLoads.join(', ')}; node ${process.version}`,
		browserInfo ? `chromium: ${browserInfo.version} (headless); bench page crossOriginIsolated=${browserInfo.pages.isolated.crossOriginIsolated}, plain page crossOriginIsolated=${browserInfo.pages.plain.crossOriginIsolated}, navigator.hardwareConcurrency=${parts.flatMap((p) => Object.values(p.browserRuns).flat()).find((r) => r.hardwareConcurrency)?.hardwareConcurrency ?? '—'}` : null,
		probe && !probe.error ? `pytorch: ${probe.torch} (Debian python3-torch, /usr/bin/python3), os.cpu_count()=${probe.cpuCount}` : `pytorch: ${probe?.error ?? 'not run'}`,
		`timings: bench build ${facts.buildS} s, rounds ${facts.roundsS} s, long tasks ${facts.longTasksS} s, total ${facts.totalS} s`
	];
	return { text: lines.filter((l) => l !== null).join('\n'), verdict };
}
