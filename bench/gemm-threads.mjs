// Kiln's GEMM on one thread and on two (the helper thread, workers/lib/kernels/gemm-thread.ts) in
// Chromium, on the MLP step's two big products alone: the split's own gain, without the rest of a
// training step. Modes interleaved, order alternating; "dirty" rewrites the inputs before each
// pair of products, as a new batch and updated weights are in training.
//   node bench/gemm-threads.mjs [rounds=8]      (GEMM_SKIP_BUILD=1 reuses bench/out/browser)
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { openBrowserSide } from './browser-side.mjs';

const BENCH = import.meta.dirname;
const OUT = join(BENCH, 'out');
const rounds = Number(process.argv[2] ?? 8);
const log = (m) => process.stderr.write(`[gemm-threads] ${m}\n`);
if (process.env.GEMM_SKIP_BUILD !== '1') {
	const { build } = await import('vite');
	await build({ configFile: join(BENCH, 'browser/vite.config.mjs'), logLevel: 'error' });
}
const side = await openBrowserSide({ repo: join(BENCH, '..'), root: join(OUT, 'browser'), dataDir: OUT, log });
try {
	const load = loadavg()[0];
	const result = await side.page(true).evaluate((request) => window.runGemmThreads(request), { rounds, reps: 200 });
	const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
	const flops = 2 * 2 * 128 * 784 * 128;
	console.log(`Kiln GEMM (${result.fma ? 'relaxed-SIMD FMA' : 'SIMD mul+add'}), the MLP step's forward + weight-gradient products, ms per pair; ${rounds} rounds, load ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}`);
	console.log(`two threads give the same bits as one: ${result.sameBits ? 'yes' : 'NO'}`);
	const one = median(result.ms.one);
	for (const [mode, ms] of Object.entries(result.ms)) {
		const m = median(ms);
		console.log(`${mode.padEnd(10)} median ${m.toFixed(3)} ms (${(flops / m / 1e6).toFixed(1)} GFLOP/s, ${(one / m).toFixed(2)}× one thread) rounds ${ms.map((v) => v.toFixed(2)).join(' ')}`);
	}
} finally {
	await side.close();
}
