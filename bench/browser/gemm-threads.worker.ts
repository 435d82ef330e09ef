// bench/gemm-threads.mjs: the MLP step's two big products (784-128 forward with bias + relu, and
// the weight gradient Xᵀ·dZ) on Kiln's GEMM, one thread against two (startGemmThread), in one
// worker of a cross-origin isolated page. "dirty": the inputs are rewritten before every pair of
// products, as a training step's new batch and updated weights are, so the helper thread has to
// fetch them from the calling thread's cache.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { loaders } from '../../workers/backend-loaders';
import { activateBackend } from '$workers/lib/backend';
import { gemmOn, startGemmThread, stopGemmThread } from '$workers/lib/kernels/gemm-kernel';
import { gemmScratchBytes } from '$workers/lib/kernels/gemm-simd';

export interface GemmThreadsRequest {
	rounds: number;
	reps: number;
}
export interface GemmThreadsResult {
	fma: boolean;
	/** Mean ms per forward + gradient pair, one entry per round, by mode. */
	ms: Record<string, number[]>;
	/** Whether both products came out bit for bit the same on two threads as on one. */
	sameBits: boolean;
}

const MODES = ['one', 'two', 'two dirty', 'one dirty'] as const;

self.onmessage = async (event: MessageEvent<GemmThreadsRequest>) => {
	const { rounds, reps } = event.data;
	await activateBackend('wasm', loaders);
	const backend = tf.backend() as BackendWasm;
	const values = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
	const x = tf.tensor2d(values(128 * 784), [128, 784]);
	const w = tf.tensor2d(values(784 * 128), [784, 128]);
	const bias = tf.tensor1d(values(128));
	const dz = tf.tensor2d(values(128 * 128), [128, 128]);
	const out1 = tf.zeros([128, 128]);
	const out2 = tf.zeros([784, 128]);
	const scratch = tf.zeros([gemmScratchBytes(128) / 4]);
	const at = (t: tf.Tensor) => backend.typedArrayFromHeap(t).byteOffset;
	const gemm = gemmOn(backend);
	if (!gemm) throw new Error('no Kiln GEMM on this backend');
	const pair = () => {
		gemm.run({ a: at(x), ars: 4 * 784, aks: 4, b: at(w), c: at(out1), m: 128, n: 128, k: 784, bias: at(bias), relu: true, scratch: at(scratch) });
		gemm.run({ a: at(x), ars: 4, aks: 4 * 784, b: at(dz), c: at(out2), m: 784, n: 128, k: 128, bias: -1, relu: false, scratch: at(scratch) });
	};
	const rewrite = () => {
		for (const t of [x, w, dz]) {
			const v = backend.typedArrayFromHeap(t) as Float32Array;
			for (let i = 0; i < v.length; i++) v[i] = v[i] + 0;
		}
	};
	const twoThreads = async () => {
		startGemmThread(backend);
		for (let i = 0; i < 300 && gemm.threads !== 2; i++) await new Promise((done) => setTimeout(done, 10));
		if (gemm.threads !== 2) throw new Error('the GEMM thread did not start (not cross-origin isolated?)');
	};
	const ms: Record<string, number[]> = Object.fromEntries(MODES.map((m) => [m, []]));
	for (let i = 0; i < 50; i++) pair();
	for (let r = 0; r < rounds; r++) {
		for (const mode of r % 2 ? [...MODES].reverse() : MODES) {
			if (mode.startsWith('two')) await twoThreads();
			else stopGemmThread(backend);
			const dirty = mode.endsWith('dirty');
			for (let i = 0; i < 10; i++) pair();
			let spent = 0;
			for (let i = 0; i < reps; i++) {
				if (dirty) rewrite();
				const t0 = performance.now();
				pair();
				spent += performance.now() - t0;
			}
			ms[mode].push(spent / reps);
		}
	}
	const outputs = () => {
		pair();
		return [out1, out2].map((t) => (backend.typedArrayFromHeap(t) as Float32Array).slice());
	};
	stopGemmThread(backend);
	const alone = outputs();
	await twoThreads();
	const shared = outputs();
	stopGemmThread(backend);
	const sameBits = alone.every((v, i) => v.every((x, j) => Object.is(x, shared[i][j])));
	self.postMessage({ fma: gemm.fma, ms, sameBits } satisfies GemmThreadsResult);
};
