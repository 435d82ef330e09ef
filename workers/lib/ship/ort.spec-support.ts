// Node-only helpers for the ship specs: run ONNX bytes in both onnxruntime builds and compare.
import * as ortWeb from 'onnxruntime-web';
import * as ortNode from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '$workers/lib/random';

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'error';

export type Feed = { type: 'float32'; data: Float32Array; dims: number[] } | { type: 'int64'; data: BigInt64Array; dims: number[] };
export type Outputs = Record<string, Float32Array | BigInt64Array>;

/** The two runtimes share onnxruntime-common's API; the web build runs its wasm EP here. */
export const RUNTIMES = { node: ortNode as unknown as typeof ortWeb, web: ortWeb } as const;

export async function runOnnx(runtime: keyof typeof RUNTIMES, model: Uint8Array, feeds: Record<string, Feed>): Promise<Outputs> {
	const ort = RUNTIMES[runtime];
	const session = await ort.InferenceSession.create(model, runtime === 'web' ? { executionProviders: ['wasm'] } : {});
	try {
		const inputs: Record<string, InstanceType<typeof ort.Tensor>> = {};
		for (const [name, feed] of Object.entries(feeds)) inputs[name] = new ort.Tensor(feed.type, feed.data, feed.dims);
		const result = await session.run(inputs);
		const out: Outputs = {};
		for (const [name, tensor] of Object.entries(result)) out[name] = tensor.data as Float32Array | BigInt64Array;
		return out;
	} finally {
		await session.release();
	}
}

/** Runs in both runtimes; returns both results. */
export async function runBoth(model: Uint8Array, feeds: Record<string, Feed>): Promise<{ node: Outputs; web: Outputs }> {
	return { node: await runOnnx('node', model, feeds), web: await runOnnx('web', model, feeds) };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	if (a.length !== b.length) return Infinity;
	let max = 0;
	for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
	return max;
}

export function float(data: Float32Array, dims: number[]): Feed {
	return { type: 'float32', data, dims };
}

/** Seeded uniform values in [lo, hi). */
export function uniform(count: number, seed: number, lo = -1, hi = 1): Float32Array {
	const rng = createRng(seed);
	return Float32Array.from({ length: count }, () => lo + (hi - lo) * rng());
}

/** Give every weight seeded values; variances stay positive so BatchNorm stays meaningful. */
export function randomizeWeights(model: tfl.LayersModel, seed: number): void {
	let s = seed;
	for (const layer of model.layers) {
		if (layer.weights.length === 0) continue;
		const values = layer.weights.map((w) => {
			const positive = /variance/.test(w.originalName);
			const size = w.shape.reduce((a: number, b) => a * (b as number), 1);
			return tf.tensor(uniform(size, s++, positive ? 0.5 : -0.6, positive ? 1.5 : 0.6), w.shape as number[]);
		});
		layer.setWeights(values);
		values.forEach((v) => v.dispose());
	}
}

/** tfjs cpu prediction of a single-input, single-output model. */
export function predictTfjs(model: tfl.LayersModel, x: Float32Array, dims: number[]): Float32Array {
	return tf.tidy(() => (model.predict(tf.tensor(x, dims)) as tf.Tensor).dataSync() as Float32Array).slice();
}
