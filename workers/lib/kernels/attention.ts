import { engine, getGradient, getKernel, registerGradient, registerKernel, zerosLike } from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { gemmSimdFor } from './head-gemm-simd';
import { hostKernel } from './host-arrays';

/**
 * Multi-head self-attention's core as two host kernels, on wasm and cpu: from q, k, v [B, T, d]
 * (heads side by side in d, as the projections make them) and the key mask [B, T] straight to the
 * mixed values [B, T, d] and the weights [B, heads, T, T], and back. Heads are read in place through
 * strides, so the reshapes and transposes that split and merge them, the scale, the mask's add and
 * the softmax are one pass instead of about 20 kernels, and every small product runs as one
 * WebAssembly SIMD call on wasm (head-gemm-simd.ts) instead of tfjs-wasm's scalar BatchMatMul loop.
 *
 * The maths is text/nn/layers.ts' selfAttention: scores = q·kᵀ · (1/√dh) + bias, bias = (mask − 1)·1e9
 * in float32 (0 for a token, −1e9 for padding, whose weight then underflows to exactly 0), weights =
 * softmax over keys. Softmax runs in float64 and rounds once; products sum in float32.
 */
export const ATTENTION = 'KilnAttention';
export const ATTENTION_GRAD = 'KilnAttentionGrad';

export interface AttentionAttrs {
	heads: number;
}

type F32 = Float32Array;
type Gemm = (a: F32, aAt: number, sai: number, sak: number, b: F32, bAt: number, ldb: number, c: F32, cAt: number, ldc: number, m: number, k: number, n: number, accumulate: boolean) => void;

/** C[i, j] (+)= Σₖ A[i, k]·B[k, j]; offsets and strides in elements, B and C rows contiguous. */
function gemmJs(a: F32, aAt: number, sai: number, sak: number, b: F32, bAt: number, ldb: number, c: F32, cAt: number, ldc: number, m: number, k: number, n: number, accumulate: boolean, from = 0): void {
	for (let i = 0; i < m; i++) {
		const row = cAt + i * ldc;
		if (!accumulate) c.fill(0, row + from, row + n);
		for (let q = 0; q < k; q++) {
			const x = a[aAt + i * sai + q * sak];
			const bRow = bAt + q * ldb;
			for (let j = from; j < n; j++) c[row + j] = Math.fround(c[row + j] + Math.fround(x * b[bRow + j]));
		}
	}
}

function wasmMemory(backend: unknown): WebAssembly.Memory | undefined {
	const module = (backend as { wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } } }).wasm;
	return module?.wasmMemory ?? module?.asm?.memory;
}

/** The SIMD product when every array is a view of tfjs-wasm's heap, else the JS loop. */
function gemmFor(backend: unknown, view: F32): Gemm {
	const memory = wasmMemory(backend);
	const simd = memory && view.buffer === memory.buffer ? gemmSimdFor(memory) : null;
	if (!simd) return gemmJs;
	return (a, aAt, sai, sak, b, bAt, ldb, c, cAt, ldc, m, k, n, accumulate) => {
		const lanes = n & ~3;
		if (lanes > 0) simd(a.byteOffset + 4 * aAt, 4 * sai, 4 * sak, b.byteOffset + 4 * bAt, 4 * ldb, c.byteOffset + 4 * cAt, 4 * ldc, m, k, 4 * lanes, accumulate ? 1 : 0);
		if (lanes < n) gemmJs(a, aAt, sai, sak, b, bAt, ldb, c, cAt, ldc, m, k, n, accumulate, lanes);
	};
}

/** Copy the [t, dh] block of head h of item b (row stride d) transposed into out [dh, t]. */
function transposeHead(x: F32, at: number, t: number, dh: number, d: number, out: F32, outAt: number): void {
	for (let i = 0; i < t; i++) for (let j = 0; j < dh; j++) out[outAt + j * t + i] = x[at + i * d + j];
}

/** Each of t rows at `at`: scores · scale + bias, then softmax (float64, rounded once). */
function softmaxRows(weights: F32, at: number, t: number, scale: number, bias: Float64Array, exps: Float64Array): void {
	for (let i = 0; i < t; i++) {
		const row = at + i * t;
		let max = -Infinity;
		for (let j = 0; j < t; j++) {
			const s = Math.fround(Math.fround(weights[row + j] * scale) + bias[j]);
			weights[row + j] = s;
			if (s > max) max = s;
		}
		let sum = 0;
		// Below −746, exp is exactly 0 in float64: padded keys (−1e9) skip the call.
		for (let j = 0; j < t; j++) {
			const z = weights[row + j] - max;
			sum += exps[j] = z < -746 ? 0 : Math.exp(z);
		}
		for (let j = 0; j < t; j++) weights[row + j] = exps[j] / sum;
	}
}

function softmaxGradRows(dp: F32, at: number, p: F32, dw: F32, w: number, t: number, scale: number): void {
	for (let i = 0; i < t; i++) {
		const row = at + i * t;
		const pRow = w + i * t;
		let dot = 0;
		for (let j = 0; j < t; j++) {
			dp[row + j] += dw[pRow + j];
			dot += dp[row + j] * p[pRow + j];
		}
		for (let j = 0; j < t; j++) dp[row + j] = Math.fround(p[pRow + j] * (dp[row + j] - dot)) * scale;
	}
}

function disposeScratch(backend: unknown, info: TensorInfo): void {
	(backend as { disposeData(id: object): void }).disposeData(info.dataId);
}

/** Inputs q, k, v [B, T, d], mask [B, T]; outputs the mixed values [B, T, d] and the weights [B, heads, T, T]. */
export const attention: KernelFunc = ({ inputs, attrs, backend }) => {
	const { q, k, v, mask } = inputs as { q: TensorInfo; k: TensorInfo; v: TensorInfo; mask: TensorInfo };
	const { heads } = attrs as unknown as AttentionAttrs;
	const [b, t, d] = q.shape;
	const dh = d / heads;
	const host = hostKernel(backend, [q, k, v, mask], [{ shape: [b, t, d] }, { shape: [b, heads, t, t] }, { shape: [dh * t] }]);
	const [qs, ks, vs, ms] = host.inputs as F32[];
	const [out, weights, kt] = host.outputs as F32[];
	const gemm = gemmFor(backend, out);
	const scale = Math.fround(1 / Math.sqrt(dh));
	const bias = new Float64Array(t);
	const exps = new Float64Array(t);
	for (let n = 0; n < b; n++) {
		for (let j = 0; j < t; j++) bias[j] = Math.fround(Math.fround(ms[n * t + j] - 1) * 1e9);
		for (let h = 0; h < heads; h++) {
			const head = n * t * d + h * dh;
			const w = (n * heads + h) * t * t;
			transposeHead(ks, head, t, dh, d, kt, 0);
			gemm(qs, head, d, 1, kt, 0, t, weights, w, t, t, dh, t, false);
			softmaxRows(weights, w, t, scale, bias, exps);
			gemm(weights, w, t, 1, vs, head, d, out, head, d, t, t, dh, false);
		}
	}
	disposeScratch(backend, host.infos[2]);
	return host.infos.slice(0, 2);
};

/** Inputs dy [B, T, d] and dw [B, heads, T, T] (gradients of the two outputs), q, k, v, weights; outputs dq, dk, dv [B, T, d]. */
export const attentionGrad: KernelFunc = ({ inputs, attrs, backend }) => {
	const { dy, dw, q, k, v, weights } = inputs as { dy: TensorInfo; dw: TensorInfo; q: TensorInfo; k: TensorInfo; v: TensorInfo; weights: TensorInfo };
	const { heads } = attrs as unknown as AttentionAttrs;
	const [b, t, d] = q.shape;
	const dh = d / heads;
	const host = hostKernel(backend, [dy, dw, q, k, v, weights], [{ shape: [b, t, d] }, { shape: [b, t, d] }, { shape: [b, t, d] }, { shape: [dh * t + t * t] }]);
	const [g, gw, qs, ks, vs, p] = host.inputs as F32[];
	const [dq, dk, dv, scratch] = host.outputs as F32[];
	const gemm = gemmFor(backend, dq);
	const scale = Math.fround(1 / Math.sqrt(dh));
	const ds = dh * t; // scratch: vᵀ [dh, t], then dP → dS [t, t]
	for (let n = 0; n < b; n++) {
		for (let h = 0; h < heads; h++) {
			const head = n * t * d + h * dh;
			const w = (n * heads + h) * t * t;
			transposeHead(vs, head, t, dh, d, scratch, 0);
			// dP = dy·vᵀ (+ dw below); dv = Pᵀ·dy
			gemm(g, head, d, 1, scratch, 0, t, scratch, ds, t, t, dh, t, false);
			gemm(p, w, 1, t, g, head, d, dv, head, d, t, t, dh, false);
			// Softmax's gradient, then the scale's: dS = P ⊙ (dP + dw − Σⱼ (dP + dw)·P) · scale.
			softmaxGradRows(scratch, ds, p, gw, w, t, scale);
			// dq = dS·k; dk = dSᵀ·q
			gemm(scratch, ds, t, 1, ks, head, d, dq, head, d, t, t, dh, false);
			gemm(scratch, ds, 1, t, qs, head, d, dk, head, d, t, t, dh, false);
		}
	}
	disposeScratch(backend, host.infos[3]);
	return host.infos.slice(0, 3);
};

/**
 * Register both kernels for the wasm and cpu backends (their host views work on both) and the
 * forward's gradient; a no-op once done. The weights output is differentiable too (tfjs passes
 * zeros for it when nothing downstream uses them), so the gradient is exact either way.
 */
export function registerAttentionKernels(): void {
	for (const backendName of ['wasm', 'cpu']) {
		if (!getKernel(ATTENTION, backendName)) registerKernel({ kernelName: ATTENTION, backendName, kernelFunc: attention });
		if (!getKernel(ATTENTION_GRAD, backendName)) registerKernel({ kernelName: ATTENTION_GRAD, backendName, kernelFunc: attentionGrad });
	}
	if (getGradient(ATTENTION)) return;
	registerGradient({
		kernelName: ATTENTION,
		inputsToSave: ['q', 'k', 'v', 'mask'],
		outputsToSave: [false, true],
		gradFunc: (dys, saved, attrs) => {
			const [dy, dw] = dys as Tensor[];
			const [q, k, v, mask, weights] = saved;
			const [dq, dk, dv] = engine().runKernel(ATTENTION_GRAD, { dy, dw, q, k, v, weights }, attrs as NamedAttrMap) as Tensor[];
			return { q: () => dq, k: () => dk, v: () => dv, mask: () => zerosLike(mask) };
		}
	});
}
