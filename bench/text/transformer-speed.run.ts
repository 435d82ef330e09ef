// Issue 13's speed figure: transformer encoder training tokens/s, Kiln (tfjs-wasm in Node, the
// studio's own training loop and wasm kernels) vs PyTorch on the CPU, as a ratio in the same run.
//   flock /tmp/kiln-heavy.lock npx vitest run --config bench/text/vitest.config.ts bench/text/transformer-speed.run.ts
//   (also the last step of `npm run bench`; ROUNDS=1 STEPS=20 for a short run)
// Same model on both sides: 2 pre-norm layers, d=64, 4 heads, feed-forward 256, sequence 64, vocab
// 8,000, batch 32, Adam, gradient norm clipped at 1 (as the studio trains), random ids without
// padding, the loss read back after every batch. Kiln's side is `trainTextModel` (one epoch of
// STEPS batches after a warm-up epoch); PyTorch runs at 1 and 2 threads and the faster one is the
// reference. Rounds alternate the order so machine load hits both alike; medians are reported with
// the load average before and after. Not a test: it asserts nothing and no test reads a time.
// Each round also times Kiln's step as it was before session 7 ("tfjs ops": tfjs autodiff of the
// op-built attention and layer norm, tfjs's clipping and Adam, wasm's own Identity and GatherV2) — KILN_BEFORE=0
// leaves that row out.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWasm } from '../../tests/unit-support';
import { registerWasmKernels } from '$workers/lib/kernels/register';
import { createRng } from '$workers/lib/random';
import { setFusedTextKernels } from '$workers/lib/text/nn/layers';
import { TextModel } from '$workers/lib/text/nn/text-model';
import { trainTextModel } from '$workers/lib/text/nn/train-text';

const VOCAB = 8000, BATCH = 32, SEQ = 64;
const STEPS = Number(process.env.STEPS ?? 30), ROUNDS = Number(process.env.ROUNDS ?? 3);
const BEFORE = process.env.KILN_BEFORE !== '0';

function data(batches: number, seed: number) {
	const rng = createRng(seed);
	const n = batches * BATCH;
	const rows = Int32Array.from({ length: n }, (_, i) => i);
	return { ids: Int32Array.from({ length: n * SEQ }, () => 1 + Math.floor(rng() * (VOCAB - 1))), labels: Int32Array.from({ length: n }, () => Math.floor(rng() * 2)), maxLength: SEQ, train: rows, validation: new Int32Array(0) };
}

/** wasm kernels session 7 replaced for every model (register.ts); the "before" row runs wasm's own. */
const REPLACED = ['Identity', 'GatherV2'];

function swapKernels(configs: tf.KernelConfig[]): void {
	for (const config of configs) {
		tf.unregisterKernel(config.kernelName, 'wasm');
		tf.registerKernel(config);
	}
}

/** Kiln's step before session 7's kernels: the op-built text model, tfjs's Adam and clipping, wasm's own Identity (a copy) and GatherV2. */
async function beforeTokensPerSecond(originals: tf.KernelConfig[]): Promise<number> {
	const ours = REPLACED.map((name) => tf.getKernel(name, 'wasm')!);
	setFusedTextKernels(false);
	swapKernels(originals);
	try {
		return await kilnTokensPerSecond();
	} finally {
		setFusedTextKernels(true);
		swapKernels(ours);
	}
}

async function kilnTokensPerSecond(): Promise<number> {
	const model = new TextModel({ task: 'sequence', family: 'transformer', vocabularySize: VOCAB, classes: 2, maxLength: SEQ, embeddingDim: 64, trainEmbedding: true, dropout: 0, seed: 1, layers: 2, heads: 4, ffDim: 256 });
	const train = { epochs: 1, batchSize: BATCH, learningRate: 1e-3, patience: 0, clipNorm: 1, seed: 3 };
	try {
		await trainTextModel(model, data(3, 4), train);
		// tokensPerSecond counts real tokens over training time only (no validation here).
		return (await trainTextModel(model, data(STEPS, 2), train)).tokensPerSecond;
	} finally {
		model.dispose();
	}
}

function torchTokensPerSecond(threads: number): { tokensPerSecond: number; matmulGflops: number; torch: string; blas: string } {
	const out = execFileSync('/usr/bin/python3', ['bench/text/transformer_speed.py', '--threads', String(threads), '--steps', String(STEPS), '--repeats', '1', '--clip', '1'], { encoding: 'utf8' });
	return JSON.parse(out.trim().split('\n').pop()!);
}

function median(values: number[]): number {
	const v = [...values].sort((a, b) => a - b);
	const mid = Math.floor(v.length / 2);
	return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

it('transformer encoder training tokens/s: Kiln (tfjs-wasm) vs PyTorch CPU', async () => {
	await useWasm();
	const originals = REPLACED.map((name) => tf.getKernel(name, 'wasm')!);
	registerWasmKernels();
	const loadBefore = load();
	const rows: { kiln: number; before: number; torch1: number; torch2: number; gflops: number }[] = [];
	for (let r = 0; r < ROUNDS; r++) {
		let kiln = 0;
		let before = 0;
		let t1 = { tokensPerSecond: 0, matmulGflops: 0, torch: '', blas: '' };
		let t2 = t1;
		// The old step goes second, then first, as the rounds alternate, so warm-up and load hit both.
		const measureKiln = async () => {
			if (BEFORE && r % 2 === 1) before = await beforeTokensPerSecond(originals);
			kiln = await kilnTokensPerSecond();
			if (BEFORE && r % 2 === 0) before = await beforeTokensPerSecond(originals);
		};
		const measureTorch = () => ((t1 = torchTokensPerSecond(1)), (t2 = torchTokensPerSecond(2)));
		if (r % 2 === 0) (await measureKiln(), measureTorch());
		else (measureTorch(), await measureKiln());
		rows.push({ kiln, before, torch1: t1.tokensPerSecond, torch2: t2.tokensPerSecond, gflops: t1.matmulGflops });
		const best = Math.max(t1.tokensPerSecond, t2.tokensPerSecond);
		console.log(`round ${r + 1} (load ${load()}): Kiln tfjs-wasm ${kiln.toFixed(0)} tok/s${BEFORE ? ` (tfjs ops, before: ${before.toFixed(0)}, ratio ${(before / best).toFixed(2)}×)` : ''} · PyTorch 1 thread ${t1.tokensPerSecond.toFixed(0)} · 2 threads ${t2.tokensPerSecond.toFixed(0)} · this round's ratio ${(kiln / Math.max(t1.tokensPerSecond, t2.tokensPerSecond)).toFixed(2)}× · matmul ${t1.matmulGflops.toFixed(1)} GFLOP/s (torch ${t1.torch}, BLAS ${t1.blas})`);
	}
	const kiln = median(rows.map((r) => r.kiln));
	const before = BEFORE ? median(rows.map((r) => r.before)) : null;
	const t1 = median(rows.map((r) => r.torch1));
	const t2 = median(rows.map((r) => r.torch2));
	const best = Math.max(t1, t2);
	const summary = { kilnTokensPerSecond: kiln, backend: tf.getBackend(), torch1: t1, torch2: t2, torchThreads: best === t1 ? 1 : 2, ratio: kiln / best, before, beforeRatio: before === null ? null : before / best, rounds: ROUNDS, steps: STEPS, loadBefore, loadAfter: load() };
	if (before !== null) console.log(`MEDIAN before (tfjs ops) ${before.toFixed(0)} tokens/s, ratio ${(before / best).toFixed(2)}×; Kiln's kernels ${(kiln / before).toFixed(2)}× faster`);
	console.log(`MEDIAN Kiln tfjs-wasm ${kiln.toFixed(0)} tokens/s; PyTorch ${t1.toFixed(0)} (1 thread), ${t2.toFixed(0)} (2 threads); ratio to the faster ${summary.ratio.toFixed(2)}× (aim ≥ 0.3×); load ${loadBefore} → ${summary.loadAfter}`);
	console.log(`TEXT_BENCH ${JSON.stringify(summary)}`);
});
