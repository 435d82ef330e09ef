// One-off measurement (not a test): the heavy gradient kernels of the issue-10 CNN's training
// step on tfjs-backend-wasm in Node, each timed alone in CPU time (median of many runs, variants interleaved),
// to choose between implementations. `node scripts/models/run-ts.mjs scripts/models/bench-cnn-kernels.ts [runs]`
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '$workers/lib/kernels/register';
import { filterGradient, filterGradientByConv } from '$workers/lib/kernels/conv-grads';
import { RELU_POOL_GRAD } from '$workers/lib/kernels/relu-pool-grad';
import { createRng } from '$workers/lib/random';

type Case = { name: string; run: () => tf.Tensor | tf.Tensor[] };

function random(shape: number[], seed: number, relu = false): tf.Tensor {
	const rng = createRng(seed);
	const size = shape.reduce((a, b) => a * b, 1);
	return tf.tensor(Float32Array.from({ length: size }, () => (relu ? Math.max(0, rng() * 2 - 1) : rng() * 2 - 1)), shape);
}

/** CPU milliseconds of one call: on a shared machine wall time mostly measures the neighbours (Node's wasm runs on one thread). */
function time(c: Case): number {
	const t0 = process.cpuUsage();
	const out = c.run();
	for (const t of Array.isArray(out) ? out : [out]) {
		t.dataSync();
		t.dispose();
	}
	const d = process.cpuUsage(t0);
	return (d.user + d.system) / 1000;
}

export default async function main(args: string[]): Promise<void> {
	const runs = Number(args[0] ?? 15);
	const only = args[1];
	tf.env().set('PROD', true);
	setWasmPaths(fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
	await tf.setBackend('wasm');
	await tf.ready();
	registerWasmKernels();
	const n = 128;
	const x1 = random([n, 28, 28, 1], 1);
	const dz1 = random([n, 26, 26, 32], 2);
	const z1 = random([n, 26, 26, 32], 3, true);
	const dp1 = random([n, 13, 13, 32], 4);
	const x2 = random([n, 13, 13, 32], 5);
	const dz2 = random([n, 11, 11, 64], 6);
	const w2 = random([3, 3, 32, 64], 7);
	const pool = { filterSize: [2, 2], strides: [2, 2], pad: 'valid' } as unknown as tf.NamedAttrMap;
	const cases: Case[] = [
		{ name: 'L1 filter grad (kernel)', run: () => tf.engine().runKernel('Conv2DBackpropFilter', { x: x1, dy: dz1 }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 32] }) as tf.Tensor },
		{ name: 'L1 relu+pool grad', run: () => tf.engine().runKernel(RELU_POOL_GRAD, { dy: dp1, z: z1 }, pool) as tf.Tensor[] },
		{ name: 'L2 filter grad (kernel)', run: () => tf.engine().runKernel('Conv2DBackpropFilter', { x: x2, dy: dz2 }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] }) as tf.Tensor },
		{ name: 'L2 filter grad by conv', run: () => filterGradientByConv(x2 as tf.Tensor4D, dz2 as tf.Tensor4D, [3, 3, 32, 64], 1, 'valid', undefined) },
		{ name: 'L2 filter grad im2col', run: () => filterGradient(x2 as tf.Tensor4D, dz2 as tf.Tensor4D, [3, 3, 32, 64], 1, 'valid', undefined) },
		{ name: 'L2 input grad (kernel)', run: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dz2, filter: w2 }, { inputShape: [n, 13, 13, 32], strides: [1, 1], pad: 'valid', dataFormat: 'NHWC' }) as tf.Tensor },
		{ name: 'L2 forward conv (reference)', run: () => tf.conv2d(x2 as tf.Tensor4D, w2 as tf.Tensor4D, 1, 'valid') }
	].filter((c) => !only || c.name.includes(only));
	const times = new Map(cases.map((c) => [c.name, [] as number[]]));
	for (const c of cases) time(c);
	for (let r = 0; r < runs; r++) for (const c of cases) times.get(c.name)!.push(time(c));
	for (const [name, t] of times) {
		t.sort((a, b) => a - b);
		console.log(`${name.padEnd(44)} median ${t[t.length >> 1].toFixed(2).padStart(7)} ms  min ${t[0].toFixed(2).padStart(7)} ms`);
	}
}
