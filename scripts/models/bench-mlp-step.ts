// Times the issue-9 MLP step (784→128 relu→10, batch 128, Adam 0.001) on tfjs-wasm in Node, the
// same wasm binary the browser runs: the dense step before the fused one (denseForward + tfjs's
// Adam) against the fused step, alternating, CPU time per step. Not a test; a quick A/B while
// working: `node scripts/models/run-ts.mjs scripts/models/bench-mlp-step.ts [rounds] [profile|-] [variants]`,
// variants from dense, fused, xnnpack (= fused without Kiln's GEMM), gemm-plain, gemm-fma.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildModel } from '$workers/lib/model';
import { denseForward, denseLayers } from '$workers/lib/dense';
import { oneHotTensor, softmaxCrossEntropy } from '$workers/lib/losses';
import { makeTrainStep } from '$workers/lib/train';
import { setGemmMode, type GemmMode } from '$workers/lib/kernels/gemm-kernel';
import v8 from 'node:v8';
import { useNodeWasm, randomRows } from './node-wasm';

// Node 20 validates relaxed SIMD (the GEMM's FMA tiles) only behind this flag; Chromium ships it.
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

type Step = (x: Float32Array, y: number[]) => tf.Scalar;

function denseStep(model: ReturnType<typeof buildModel>, optimizer: tf.Optimizer): Step {
	const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
	const dense = denseLayers(model)!;
	return (x, y) => {
		let out: tf.Scalar | null = null;
		tf.tidy(() => {
			const xs = tf.tensor2d(x, [y.length, 784]);
			const ys = oneHotTensor(y, 10);
			optimizer.minimize(() => {
				const loss = softmaxCrossEntropy(ys, denseForward(dense, xs));
				out = tf.keep(loss.clone());
				return loss;
			}, false, variables);
		});
		return out!;
	};
}

export default async function main(args: string[]): Promise<void> {
	const rounds = Number(args[0] ?? 5);
	await useNodeWasm();
	const rows = 2048;
	const { x, y } = randomRows(rows, 784);
	const fusedWith = (mode: GemmMode) => () => {
		setGemmMode(mode);
		const model = buildModel({ kind: 'mlp', inputSize: 784, outputSize: 10, hiddenLayers: [128], seed: 1 });
		const optimizer = tf.train.adam(0.001);
		return { step: makeTrainStep(model, optimizer, 'classification', 10, 0), dispose: () => (model.dispose(), optimizer.dispose()) };
	};
	const variants: Record<string, () => { step: Step; dispose: () => void }> = {
		dense: () => {
			setGemmMode('auto');
			const model = buildModel({ kind: 'mlp', inputSize: 784, outputSize: 10, hiddenLayers: [128], seed: 1 });
			const optimizer = tf.train.adam(0.001);
			return { step: denseStep(model, optimizer), dispose: () => (model.dispose(), optimizer.dispose()) };
		},
		fused: () => {
			setGemmMode('auto');
			const model = buildModel({ kind: 'mlp', inputSize: 784, outputSize: 10, hiddenLayers: [128], seed: 1 });
			const optimizer = tf.train.adam(0.001);
			return { step: makeTrainStep(model, optimizer, 'classification', 10, 0), dispose: () => (model.dispose(), optimizer.dispose()) };
		},
		// The fused step with tfjs's XNNPACK products, and with Kiln's GEMM (plain SIMD, then FMA).
		xnnpack: fusedWith('off'),
		'gemm-plain': fusedWith('plain'),
		'gemm-fma': fusedWith('fma')
	};
	const names = (args[2] ?? 'xnnpack,gemm-plain,gemm-fma').split(',');
	const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
	for (let r = 0; r < rounds; r++) {
		for (const name of r % 2 ? [...names].reverse() : names) {
			const { step, dispose } = variants[name]();
			const run = async (b: number) => {
				const loss = step(x.subarray(b * 128 * 784, (b + 1) * 128 * 784), y.slice(b * 128, (b + 1) * 128));
				await loss.data();
				loss.dispose();
			};
			await run(0);
			const cpu = process.cpuUsage();
			for (let e = 0; e < 2; e++) for (let b = 0; b < rows / 128; b++) await run(b);
			const used = process.cpuUsage(cpu);
			times[name].push((used.user + used.system) / 1000 / (2 * (rows / 128)));
			if (args[1] === 'profile' && r === 0) {
				setGemmMode(name === 'xnnpack' ? 'off' : name === 'gemm-plain' ? 'plain' : 'fma');
				// Medians over 15 profiled steps (the first calls compile and tier up, so not the first).
				const byKernel = new Map<string, number[]>();
				for (let t = 0; t < 15; t++) {
					const p = await tf.profile(() => run(1 + (t % 8)));
					const step = new Map<string, number>();
					for (const k of p.kernels) step.set(k.name, (step.get(k.name) ?? 0) + Number(k.kernelTimeMs));
					for (const [k, ms] of step) byKernel.set(k, [...(byKernel.get(k) ?? []), ms]);
				}
				const mid = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
				console.log(name, [...byKernel].map(([k, t]) => `${k} ${mid(t).toFixed(3)}`).join(', '));
			}
			dispose();
		}
	}
	const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
	for (const [name, v] of Object.entries(times)) console.log(`${name}: median ${median(v).toFixed(3)} ms CPU/step (${v.map((t) => t.toFixed(2)).join(' ')}) → ${(128000 / median(v)).toFixed(0)} samples/s`);
}
