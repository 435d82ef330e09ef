import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { fusedAttention, opsAttention } from '$workers/lib/text/nn/layers';
import { gemmSimdFor } from './head-gemm-simd';
import { randomValues, relativeError, runOn, useWasm } from './wasm.spec-support';

/**
 * The fused attention kernels (forward and gradient) against the same maths built from tfjs ops on
 * the cpu backend: mixed values, attention weights and the gradients of q, k and v for a seeded
 * loss Σ mixed ⊙ r, with padded keys (and one text that is all padding).
 */
function case_(b: number, t: number, d: number, heads: number, fused: boolean) {
	return () => {
		const q = tf.tensor3d(randomValues(b * t * d, 1), [b, t, d]);
		const k = tf.tensor3d(randomValues(b * t * d, 2), [b, t, d]);
		const v = tf.tensor3d(randomValues(b * t * d, 3), [b, t, d]);
		const r = tf.tensor3d(randomValues(b * t * d, 4), [b, t, d]);
		// Text n keeps its first t − 3n tokens (at least none); the rest is padding.
		const maskValues = Float32Array.from({ length: b * t }, (_, i) => (i % t < t - 3 * Math.floor(i / t) ? 1 : 0));
		const mask = tf.tensor2d(maskValues, [b, t]);
		const keyBias = tf.reshape(tf.mul(tf.sub(mask, 1), 1e9), [b, 1, 1, t]) as tf.Tensor4D;
		const run = (qs: tf.Tensor3D, ks: tf.Tensor3D, vs: tf.Tensor3D) => (fused ? fusedAttention(qs, ks, vs, mask, heads) : opsAttention(qs, ks, vs, keyBias, heads));
		const { mixed, weights } = run(q, k, v);
		const grads = tf.grads((qs: tf.Tensor, ks: tf.Tensor, vs: tf.Tensor) => tf.sum(tf.mul(run(qs as tf.Tensor3D, ks as tf.Tensor3D, vs as tf.Tensor3D).mixed, r)))([q, k, v]);
		return [mixed, weights, ...grads];
	};
}

describe('Kiln fused attention kernels', () => {
	it('bind the SIMD product to tfjs-wasm memory', async () => {
		await useWasm();
		const memory = (tf.backend() as unknown as { wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } } }).wasm;
		expect(gemmSimdFor((memory.wasmMemory ?? memory.asm?.memory)!)).not.toBeNull();
	});

	// [batch, T, d, heads]: the bench's head width (16), and odd sizes whose last columns take the JS tail.
	it.each([
		[3, 16, 32, 2],
		[4, 10, 12, 2],
		[2, 7, 15, 3]
	])('B=%i T=%i d=%i heads=%i: forward and gradients equal tfjs autodiff on cpu within 1e-5, on cpu and wasm', async (b, t, d, heads) => {
		const reference = await runOn('cpu', case_(b, t, d, heads, false));
		for (const backend of ['cpu', 'wasm'] as const) {
			const fused = await runOn(backend, case_(b, t, d, heads, true));
			fused.forEach((values, i) => expect(relativeError(values, reference[i])).toBeLessThan(1e-5));
		}
		// Padding gets exactly zero weight: text 1 has its last 3 keys padded.
		const weights = reference[1];
		const fusedWeights = (await runOn('wasm', case_(b, t, d, heads, true)))[1];
		for (let h = 0; h < heads; h++) for (let i = 0; i < t; i++) for (let j = t - 3; j < t; j++) expect(fusedWeights[((1 * heads + h) * t + i) * t + j]).toBe(0);
		expect(weights.length).toBe(fusedWeights.length);
	});
});
