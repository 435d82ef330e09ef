// A/B of one transformer training step in one process, CPU time, steps interleaved so machine load
// hits every variant alike (the bench's model and batch): "new" (Kiln's text kernels and fused step),
// "old" (tfjs ops and Adam, wasm's own Identity and GatherV2), and "old+kiln wasm kernels" (old text
// path with session 7's wasm Identity/GatherV2). Medians over N steps each (default 10). Not a test.
//   flock /tmp/kiln-heavy.lock env N=10 npx vitest run --config bench/text/vitest.config.ts bench/text/transformer-step-ab.run.ts
import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWasm } from '../../tests/unit-support';
import { registerWasmKernels } from '$workers/lib/kernels/register';
import { createRng } from '$workers/lib/random';
import { TextModel } from '$workers/lib/text/nn/text-model';
import { makeTextTrainStep } from '$workers/lib/text/nn/train-step';
import { setFusedTextKernels } from '$workers/lib/text/nn/layers';

it('transformer step A/B: Kiln kernels vs tfjs ops (CPU ms)', async () => {
	await useWasm();
	const originals = ['Identity', 'GatherV2'].map((n) => tf.getKernel(n, 'wasm')!);
	registerWasmKernels();
	const ours = ['Identity', 'GatherV2'].map((n) => tf.getKernel(n, 'wasm')!);
	const swap = (c: tf.KernelConfig[]) => c.forEach((k) => (tf.unregisterKernel(k.kernelName, 'wasm'), tf.registerKernel(k)));
	const VOCAB = 8000, BATCH = 32, SEQ = 64;
	const model = new TextModel({ task: 'sequence', family: 'transformer', vocabularySize: VOCAB, classes: 2, maxLength: SEQ, embeddingDim: 64, trainEmbedding: true, dropout: 0, seed: 1, layers: 2, heads: 4, ffDim: 256 });
	const optimizer = tf.train.adam(1e-3);
	setFusedTextKernels(false);
	const off = makeTextTrainStep(model, optimizer, 1);
	setFusedTextKernels(true);
	const on = makeTextTrainStep(model, optimizer, 1);
	const rng = createRng(2);
	const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
	const res: Record<string, number[]> = { new: [], old: [], 'old+kiln wasm kernels': [] };
	const N = Number(process.env.N ?? 10);
	for (let i = 0; i < 3 * N + 6; i++) {
		const mode = ['new', 'old', 'old+kiln wasm kernels'][i % 3];
		setFusedTextKernels(mode === 'new');
		if (mode === 'old') swap(originals);
		const x = tf.tensor2d(Int32Array.from({ length: BATCH * SEQ }, () => 1 + Math.floor(rng() * (VOCAB - 1))), [BATCH, SEQ], 'int32');
		const y = tf.tensor1d(Int32Array.from({ length: BATCH }, () => Math.floor(rng() * 2)), 'int32');
		const c0 = cpu();
		const loss = (mode === 'new' ? on : off)(x, y, 0);
		await loss.data();
		if (i >= 6) res[mode].push(cpu() - c0);
		tf.dispose([x, y, loss]);
		if (mode === 'old') swap(ours);
	}
	const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
	for (const [k, v] of Object.entries(res)) console.log(`AB ${k}: median ${med(v).toFixed(1)} ms CPU, min ${Math.min(...v).toFixed(1)}`);
}, 600000);
