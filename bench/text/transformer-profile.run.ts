// Where one training step of issue 13's transformer goes: tf.profile per kernel, summed by kernel
// name, on tfjs-wasm in Node with Kiln's kernels (the bench's model and batch). Not a test.
//   npx vitest run --config bench/text/vitest.config.ts bench/text/transformer-profile.run.ts
//   (PROFILE_BACKEND=cpu for the cpu backend; PROFILE_STEPS=N steps profiled, default 5)
import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useCpu, useWasm } from '../../tests/unit-support';
import { registerWasmKernels } from '$workers/lib/kernels/register';
import { createRng } from '$workers/lib/random';
import { TextModel } from '$workers/lib/text/nn/text-model';
import { makeTextTrainStep } from '$workers/lib/text/nn/train-step';

const VOCAB = 8000, BATCH = 32, SEQ = 64;
const STEPS = Number(process.env.PROFILE_STEPS ?? 5);

it('profile one transformer training step', async () => {
	if (process.env.PROFILE_BACKEND === 'cpu') await useCpu();
	else (await useWasm(), registerWasmKernels());
	const model = new TextModel({ task: 'sequence', family: 'transformer', vocabularySize: VOCAB, classes: 2, maxLength: SEQ, embeddingDim: 64, trainEmbedding: true, dropout: 0, seed: 1, layers: 2, heads: 4, ffDim: 256 });
	const optimizer = tf.train.adam(1e-3);
	const step = makeTextTrainStep(model, optimizer, 1);
	const rng = createRng(2);
	const batch = () => [tf.tensor2d(Int32Array.from({ length: BATCH * SEQ }, () => 1 + Math.floor(rng() * (VOCAB - 1))), [BATCH, SEQ], 'int32'), tf.tensor1d(Int32Array.from({ length: BATCH }, () => Math.floor(rng() * 2)), 'int32')] as const;
	const run = async () => {
		const [x, y] = batch();
		const loss = step(x, y, 0);
		await loss.data();
		tf.dispose([x, y, loss]);
	};
	for (let i = 0; i < 3; i++) await run();
	const byName = new Map<string, { ms: number; calls: number }>();
	let wall = 0;
	let kernels = 0;
	for (let i = 0; i < STEPS; i++) {
		const start = performance.now();
		const info = await tf.profile(run);
		wall += performance.now() - start;
		kernels += info.kernels.length;
		for (const k of info.kernels) {
			const key = ['BatchMatMul', 'Multiply', 'Sum', 'Add', 'Transpose'].includes(k.name) && process.env.PROFILE_SHAPES ? `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join('')}` : k.name;
			const e = byName.get(key) ?? { ms: 0, calls: 0 };
			e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
			e.calls++;
			byName.set(key, e);
		}
	}
	// Untimed steps: the profile's own bookkeeping inflates `wall` above.
	const start = performance.now();
	for (let i = 0; i < STEPS; i++) await run();
	const plain = (performance.now() - start) / STEPS;
	const rows = [...byName].sort((a, b) => b[1].ms - a[1].ms);
	const total = rows.reduce((s, [, e]) => s + e.ms, 0) / STEPS;
	console.log(`${tf.getBackend()}: ${(kernels / STEPS).toFixed(0)} kernels a step, kernel time ${total.toFixed(1)} ms, profiled step ${(wall / STEPS).toFixed(1)} ms, plain step ${plain.toFixed(1)} ms (${((BATCH * SEQ) / (plain / 1000)).toFixed(0)} tokens/s)`);
	for (const [name, e] of rows.slice(0, 30)) console.log(`${name.padEnd(28)} ${(e.ms / STEPS).toFixed(2).padStart(8)} ms  ${(e.calls / STEPS).toFixed(0).padStart(5)} calls`);
	optimizer.dispose();
	model.dispose();
});
