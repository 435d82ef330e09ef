// One-off: transformer encoder training speed, tfjs-wasm in Node vs PyTorch CPU, in the same run.
//   npx vitest run --config bench/text/vitest.config.ts bench/text/transformer-speed.run.ts
// Same model on both sides: 2 pre-norm layers, d=64, 4 heads, feed-forward 256, sequence 64, vocab
// 8,000, batch 32, Adam, random ids (no padding). Rounds alternate tfjs and PyTorch so machine load
// (shared with other jobs) hits both alike; medians are reported. Not a test: it asserts nothing.
import { execFileSync } from 'node:child_process';
import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWasm } from '../../tests/unit-support';
import { createRng } from '$workers/lib/random';
import { TextModel } from '$workers/lib/text/nn/text-model';
import { registerWasmSegmentSum } from './wasm-segment-sum';

const VOCAB = 8000, BATCH = 32, SEQ = 64, STEPS = 30, ROUNDS = Number(process.env.ROUNDS ?? 3);

async function tfjsTokensPerSecond(): Promise<number> {
	const model = new TextModel({ task: 'sequence', family: 'transformer', vocabularySize: VOCAB, classes: 2, maxLength: SEQ, embeddingDim: 64, trainEmbedding: true, dropout: 0, seed: 1, layers: 2, heads: 4, ffDim: 256 });
	const optimizer = tf.train.adam(1e-3);
	const variables = model.params.trainable();
	const rng = createRng(2);
	const batches = Array.from({ length: STEPS + 5 }, () => ({ ids: Int32Array.from({ length: BATCH * SEQ }, () => 1 + Math.floor(rng() * (VOCAB - 1))), y: Int32Array.from({ length: BATCH }, () => Math.floor(rng() * 2)) }));
	const step = async (i: number) => {
		const loss = tf.tidy(() => {
			const x = tf.tensor2d(batches[i].ids, [BATCH, SEQ], 'int32');
			const y = tf.tensor1d(batches[i].y, 'int32');
			return optimizer.minimize(() => model.loss(model.forward(x, { training: true }).logits, y), true, variables)!;
		});
		await loss.data();
		loss.dispose();
	};
	for (let i = 0; i < 5; i++) await step(i);
	const start = performance.now();
	for (let i = 0; i < STEPS; i++) await step(5 + i);
	const seconds = (performance.now() - start) / 1000;
	model.dispose();
	optimizer.dispose();
	return (STEPS * BATCH * SEQ) / seconds;
}

function torchTokensPerSecond(threads: number): { tokensPerSecond: number; matmulGflops: number; torch: string } {
	const out = execFileSync('/usr/bin/python3', ['bench/text/transformer_speed.py', '--threads', String(threads), '--steps', String(STEPS), '--repeats', '1'], { encoding: 'utf8' });
	return JSON.parse(out.trim().split('\n').pop()!);
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

it('transformer encoder training tokens/s: tfjs-wasm vs PyTorch', async () => {
	await useWasm();
	registerWasmSegmentSum();
	const rows: { tfjs: number; torch1: number; torch2: number; gflops: number }[] = [];
	for (let r = 0; r < ROUNDS; r++) {
		const tfjs = await tfjsTokensPerSecond();
		const t1 = torchTokensPerSecond(1);
		const t2 = torchTokensPerSecond(2);
		rows.push({ tfjs, torch1: t1.tokensPerSecond, torch2: t2.tokensPerSecond, gflops: t1.matmulGflops });
		console.log(`round ${r + 1}: tfjs-wasm ${tfjs.toFixed(0)} tok/s · PyTorch 1 thread ${t1.tokensPerSecond.toFixed(0)} · 2 threads ${t2.tokensPerSecond.toFixed(0)} · matmul ${t1.matmulGflops.toFixed(1)} GFLOP/s (torch ${t1.torch})`);
	}
	const tfjs = median(rows.map((r) => r.tfjs));
	const t1 = median(rows.map((r) => r.torch1));
	const t2 = median(rows.map((r) => r.torch2));
	console.log(`MEDIAN tfjs-wasm (${tf.getBackend()}) ${tfjs.toFixed(0)} tokens/s; PyTorch 1 thread ${t1.toFixed(0)} (ratio ${(tfjs / t1).toFixed(2)}×), 2 threads ${t2.toFixed(0)} (ratio ${(tfjs / t2).toFixed(2)}×)`);
});
