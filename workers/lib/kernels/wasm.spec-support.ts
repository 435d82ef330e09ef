// Node-only helpers for specs that run tfjs-backend-wasm; never imported by a worker.
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register';
import { createRng } from '$workers/lib/random';

let ready = false;

/** Start tfjs-backend-wasm in Node (it loads its .wasm from node_modules) with Kiln's kernels. */
export async function useWasm(): Promise<void> {
	if (!ready) {
		tf.env().set('PROD', true);
		setWasmPaths(fileURLToPath(new URL('../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
		registerWasmKernels();
		ready = true;
	}
	if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm did not start in Node');
	await tf.ready();
}

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
	if (name === 'wasm') return useWasm();
	tf.env().set('PROD', true);
	await tf.setBackend('cpu');
	await tf.ready();
}

/** Seeded values in [-1, 1). */
export function randomValues(size: number, seed: number): Float32Array {
	const rng = createRng(seed);
	return Float32Array.from({ length: size }, () => rng() * 2 - 1);
}

/** Run `compute` on a backend and read every output back. */
export async function runOn(backend: 'cpu' | 'wasm', compute: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
	await useBackend(backend);
	const out = tf.tidy(compute);
	const list = Array.isArray(out) ? out : [out];
	const values = await Promise.all(list.map((t) => t.data() as Promise<Float32Array>));
	tf.dispose(list);
	return values;
}

/** Largest difference relative to the largest magnitude of the reference. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
	if (actual.length !== expected.length) return Infinity;
	let diff = 0;
	let scale = 0;
	for (let i = 0; i < expected.length; i++) {
		diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
		scale = Math.max(scale, Math.abs(expected[i]));
	}
	const error = diff / Math.max(scale, 1e-12);
	// KILN_PRINT_ERRORS=1 npx vitest run workers/lib/kernels: the figures behind the assertions.
	if (process.env.KILN_PRINT_ERRORS) console.log(`relative error ${error.toExponential(2)}`);
	return error;
}
