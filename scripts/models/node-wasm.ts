// Shared set-up of the model scripts run in Node (run-ts.mjs): tfjs on its wasm backend, and the
// seeded random rows the MLP step benches train on.
import * as tf from '@tensorflow/tfjs-core';
import { fileURLToPath } from 'node:url';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRng } from '$workers/lib/random';

/** tfjs on tfjs-backend-wasm, its .wasm files read from node_modules, in production mode (no per-op checks). */
export async function useNodeWasm(): Promise<void> {
	tf.env().set('PROD', true);
	setWasmPaths(fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
	await tf.setBackend('wasm');
	await tf.ready();
}

/** `rows` rows of `width` uniform values in [0, 1) and a class in 0–9 for each, from seed 1. */
export function randomRows(rows: number, width: number): { x: Float32Array; y: number[] } {
	const rng = createRng(1);
	const x = Float32Array.from({ length: rows * width }, () => rng());
	const y = Array.from({ length: rows }, () => Math.floor(rng() * 10));
	return { x, y };
}
