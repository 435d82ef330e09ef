import './gemm.spec-support';
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { relaxedSimdAvailable } from './gemm-module';
import { GEMM, gemmOn, registerGemmKernel, setGemmMode, type GemmMode } from './gemm-kernel';
import { gemmFor, gemmScratchBytes } from './gemm-simd';
import { randomValues, relativeError, runOn, useWasm } from './wasm.spec-support';

registerGemmKernel();
afterEach(() => setGemmMode('auto'));

/** relu?(op(A)·B + bias) in float64, the reference. */
function reference(a: Float32Array, b: Float32Array, m: number, n: number, k: number, transposeA: boolean, bias: Float32Array | null, relu: boolean): Float64Array {
	const out = new Float64Array(m * n);
	for (let i = 0; i < m; i++) {
		for (let j = 0; j < n; j++) {
			let sum = bias ? bias[j] : 0;
			for (let t = 0; t < k; t++) sum += (transposeA ? a[t * m + i] : a[i * k + t]) * b[t * n + j];
			out[i * n + j] = relu ? Math.max(sum, 0) : sum;
		}
	}
	return out;
}

// Rows not a multiple of the 6-row tile, columns with a 4-wide tail and with 1–3 more, k over one 256-term pass.
const SHAPES: [number, number, number][] = [
	[13, 12, 300],
	[128, 32, 64],
	[5, 4, 1],
	[7, 20, 513],
	[128, 10, 128],
	[9, 3, 300],
	[6, 1, 7]
];

async function product(mode: GemmMode, m: number, n: number, k: number, transposeA: boolean, withBias: boolean, relu: boolean) {
	setGemmMode(mode);
	const a = randomValues(m * k, 1);
	const b = randomValues(k * n, 2);
	const bias = withBias ? randomValues(n, 3) : null;
	const [out] = await runOn('wasm', () => {
		const inputs: tf.NamedTensorMap = { a: tf.tensor2d(a, transposeA ? [k, m] : [m, k]), b: tf.tensor2d(b, [k, n]) };
		if (bias) inputs.bias = tf.tensor1d(bias);
		return tf.engine().runKernel(GEMM, inputs, { transposeA, relu }) as tf.Tensor;
	});
	return { out, want: reference(a, b, m, n, k, transposeA, bias, relu) };
}

describe('Kiln SIMD GEMM (KilnGemm on wasm)', () => {
	it('finds relaxed SIMD in this engine (Node 20 behind its flag) and builds both tile kinds', async () => {
		await useWasm();
		expect(relaxedSimdAvailable()).toBe(true);
		expect(gemmOn(tf.backend())?.fma).toBe(true);
		setGemmMode('plain');
		expect(gemmOn(tf.backend())?.fma).toBe(false);
		setGemmMode('off');
		expect(gemmOn(tf.backend())).toBeNull();
	});

	for (const mode of ['fma', 'plain'] as const) {
		it.each(SHAPES)(`${mode}: [%i × %i] over k = %i, A and Aᵀ, with and without bias and relu, within float32 rounding of a float64 product`, async (m, n, k) => {
			for (const [transposeA, withBias, relu] of [
				[false, true, true],
				[true, false, false],
				[false, false, true],
				[true, true, false]
			] as const) {
				const { out, want } = await product(mode, m, n, k, transposeA, withBias, relu);
				expect(relativeError(out, want)).toBeLessThan(2e-6 * Math.sqrt(k));
			}
		});
	}

	it.each(SHAPES)('with a mask [%i × %i] (k = %i): the unmasked product where the mask is > 0, +0 elsewhere (a relu gradient)', async (m, n, k) => {
		for (const transposeA of [false, true]) {
			const a = randomValues(m * k, 1);
			const b = randomValues(k * n, 2);
			const mask = randomValues(m * n, 6).map((v, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? Number.NaN : v));
			const [plain, masked] = await runOn('wasm', () => {
				const inputs = { a: tf.tensor2d(a, transposeA ? [k, m] : [m, k]), b: tf.tensor2d(b, [k, n]) };
				return [tf.engine().runKernel(GEMM, inputs, { transposeA, relu: false }) as tf.Tensor, tf.engine().runKernel(GEMM, { ...inputs, mask: tf.tensor2d(mask, [m, n]) }, { transposeA, relu: false }) as tf.Tensor];
			});
			const want = Array.from(plain, (v, i) => (mask[i] > 0 ? v : 0));
			expect(Array.from(masked)).toEqual(want);
			expect(Array.from(masked).every((v, i) => mask[i] > 0 || Object.is(v, 0))).toBe(true);
		}
	});

	it('gives the same bits every time (same engine, same tiles), and relu leaves no negative', async () => {
		for (const mode of ['fma', 'plain'] as const) {
			const first = await product(mode, 37, 24, 300, true, true, true);
			const again = await product(mode, 37, 24, 300, true, true, true);
			expect(Array.from(again.out)).toEqual(Array.from(first.out));
			expect(Math.min(...first.out)).toBe(0);
		}
	});

	// tfjs's threaded build (cross-origin isolated pages) runs on a shared memory, which the module must import as shared.
	it.each([true, false])('runs on a shared WebAssembly memory as on a plain one (fma %s)', (fma) => {
		const [m, n, k] = [10, 7, 40];
		for (const shared of [true, false]) {
			const memory = new WebAssembly.Memory({ initial: 2, maximum: 64, shared } as WebAssembly.MemoryDescriptor);
			const gemm = gemmFor(memory, fma);
			expect(gemm).not.toBeNull();
			const heap = new Float32Array(memory.buffer);
			const a = randomValues(m * k, 4);
			const b = randomValues(k * n, 5);
			heap.set(a, 0);
			heap.set(b, 1024);
			gemm!.run({ a: 0, ars: 4 * k, aks: 4, b: 4096, c: 8192, m, n, k, bias: -1, relu: false, scratch: 16384 });
			expect(16384 + gemmScratchBytes(n)).toBeLessThan(memory.buffer.byteLength);
			expect(relativeError(heap.slice(2048, 2048 + m * n), reference(a, b, m, n, k, false, null, false))).toBeLessThan(1e-5);
		}
	});

	it('refuses operands whose inner sizes differ instead of reading past them', async () => {
		await useWasm();
		expect(() => tf.tidy(() => tf.engine().runKernel(GEMM, { a: tf.ones([4, 3]), b: tf.ones([5, 6]) }, { transposeA: false, relu: false }))).toThrow(/cannot multiply/);
	});
});
