// Times Kiln's WebAssembly GEMM (workers/lib/kernels/gemm-simd.ts) against tfjs-backend-wasm's
// XNNPACK matMul on the MLP step's two big products, in one Node process on tfjs's own heap,
// variants interleaved, CPU time. Not a test:
// `node scripts/models/run-ts.mjs scripts/models/bench-gemm.ts [rounds] [tiles, e.g. 4x2,6x2] [kc list] [fma,plain]`.
// Node 20 validates relaxed SIMD only behind a V8 flag, set here before any module is compiled.
import v8 from 'node:v8';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gemmFor, gemmScratchBytes } from '$workers/lib/kernels/gemm-simd';
import { createRng } from '$workers/lib/random';
import { useNodeWasm } from './node-wasm';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

function memoryOf(backend: BackendWasm): WebAssembly.Memory {
	const module = (backend as unknown as { wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } } }).wasm;
	return (module.wasmMemory ?? module.asm?.memory)!;
}

export default async function main(args: string[]): Promise<void> {
	const rounds = Number(args[0] ?? 5);
	// tiles as rows x vectors of 4 columns (6x2 = 6 × 8); unrolling the k loop 2 or 4 times was slower (15–16 vs 25 GFLOP/s).
	const shapes = (args[1] ?? '4x2,5x2,6x2').split(',').map((s) => s.split('x').map(Number));
	const kcs = (args[2] ?? '256').split(',').map(Number);
	await useNodeWasm();
	const backend = tf.backend() as BackendWasm;
	const rng = createRng(3);
	const rand = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);
	const x = tf.tensor2d(rand(128 * 784), [128, 784]);
	const w = tf.tensor2d(rand(784 * 128), [784, 128]);
	const bias = tf.tensor1d(rand(128));
	const dz = tf.tensor2d(rand(128 * 128), [128, 128]);
	const addr = (t: tf.Tensor) => backend.typedArrayFromHeap(t).byteOffset;
	const out1 = tf.zeros([128, 128]);
	const out2 = tf.zeros([784, 128]);
	const memory = memoryOf(backend);
	const forward = tf.tidy(() => tf.fused.matMul({ a: x, b: w, bias, activation: 'relu' }));
	const gradient = tf.tidy(() => tf.matMul(tf.transpose(x), dz));
	const want1 = forward.dataSync();
	const want2 = gradient.dataSync();
	const err = (a: ArrayLike<number>, b: ArrayLike<number>) => {
		let d = 0, s = 0;
		for (let i = 0; i < a.length; i++) (d = Math.max(d, Math.abs(a[i] - b[i]))), (s = Math.max(s, Math.abs(b[i])));
		return d / s;
	};
	type Variant = { name: string; run: () => void };
	const variants: Variant[] = [
		{ name: 'xnnpack fwd (fused matMul+bias+relu)', run: () => tf.tidy(() => void tf.fused.matMul({ a: x, b: w, bias, activation: 'relu' }).dataSync()) },
		{ name: 'xnnpack grad (transpose + matMul)', run: () => tf.tidy(() => void tf.matMul(tf.transpose(x), dz).dataSync()) }
	];
	// Packed B panels for the widest product (n = 128) at every tile shape and kc tried: a fixed 16 KB had the first shapes write past it.
	const scratchT = tf.zeros([Math.max(...shapes.flatMap(([mr, nv]) => kcs.map((kc) => gemmScratchBytes(128, { mr, nv }, kc)))) / 4]);
	for (const fma of (args[3] ?? 'fma').split(',').map((f) => f === 'fma')) {
		for (const [mr, nv] of shapes) {
			for (const kc of kcs) for (const packB of [true]) {
				const g = gemmFor(memory, fma, { mr, nv }, kc);
				if (!g) throw new Error('no gemm');
				const tag = `kiln ${mr}x${4 * nv} kc${kc} ${g.fma ? 'fma' : 'mul+add'}${packB ? ' packB' : ''}`;
				const scratch = packB ? addr(scratchT) : -1;
				const fwd = () => g.run({ a: addr(x), ars: 4 * 784, aks: 4, b: addr(w), c: addr(out1), m: 128, n: 128, k: 784, bias: addr(bias), relu: true, scratch });
				const grad = () => g.run({ a: addr(x), ars: 4, aks: 4 * 784, b: addr(dz), c: addr(out2), m: 784, n: 128, k: 128, bias: -1, relu: false, scratch });
				fwd();
				grad();
				console.log(tag, 'fwd err', err(out1.dataSync(), want1).toExponential(2), 'grad err', err(out2.dataSync(), want2).toExponential(2));
				variants.push({ name: `${tag} fwd`, run: fwd }, { name: `${tag} grad`, run: grad });
			}
		}
	}
	const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
	const reps = 20;
	for (let r = 0; r < rounds; r++) {
		for (const v of r % 2 ? [...variants].reverse() : variants) {
			v.run();
			const t0 = process.cpuUsage();
			for (let i = 0; i < reps; i++) v.run();
			const used = process.cpuUsage(t0);
			times.get(v.name)!.push((used.user + used.system) / 1000 / reps);
		}
	}
	const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
	for (const [name, v] of times) {
		const ms = median(v);
		console.log(`${name.padEnd(40)} ${ms.toFixed(3)} ms CPU (min ${Math.min(...v).toFixed(3)}) ${((2 * 128 * 784 * 128) / ms / 1e6).toFixed(1)} GFLOP/s`);
	}
}
