import { getKernel, registerKernel } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gemmFits, gemmFor, gemmScratchBytes, type Gemm } from './gemm-simd';
import { spawnBrowserThread } from './gemm-thread';

/**
 * KilnGemm: a 2-D float32 product on tfjs-backend-wasm by Kiln's SIMD GEMM (gemm-simd.ts), for
 * the fused MLP step's big products: inputs `a` [m, k] (or [k, m] with transposeA: read in
 * place, no Transpose kernel), `b` [k, n], optional `bias` [n]; output relu?(a·b + bias) [m, n].
 * With an input `mask` [m, n] (a relu layer's output), values where mask ≤ 0 are +0: the
 * gradient through that relu, in the product's last pass instead of a separate kernel.
 * On this machine it ran the MLP's 128×784·784×128 forward and 784×128·128×128 weight gradient
 * 1.5–1.9× faster than tfjs-wasm's XNNPACK path (scripts/models/bench-gemm.ts).
 */
export const GEMM = 'KilnGemm';

export interface GemmAttrs {
	transposeA: boolean;
	relu: boolean;
}

/** 'auto': FMA tiles where the engine validates relaxed SIMD, else mul + add; 'off': never serve (tfjs's matMul). */
export type GemmMode = 'auto' | 'fma' | 'plain' | 'off';

let mode: GemmMode = 'auto';

/** Pick the tiles for later products; for specs and A/B runs (the studio keeps 'auto'). */
export function setGemmMode(next: GemmMode): void {
	mode = next;
}

function wasmMemory(backend: unknown): WebAssembly.Memory | undefined {
	const module = (backend as { wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } } }).wasm;
	// The threaded build exports its (shared) memory as wasmMemory, the single-threaded one as asm.memory.
	return module?.wasmMemory ?? module?.asm?.memory;
}

/** The GEMM on `backend`'s heap, or null off wasm or without WebAssembly SIMD. */
export function gemmOn(backend: unknown): Gemm | null {
	if (typeof (backend as Partial<BackendWasm>).typedArrayFromHeap !== 'function') return null;
	const memory = wasmMemory(backend);
	if (!memory || mode === 'off') return null;
	return gemmFor(memory, mode === 'auto' ? undefined : mode === 'fma');
}

/**
 * Let KilnGemm's big products (the MLP's forward and weight gradient) take a second thread
 * (gemm-thread.ts) on a cross-origin isolated page, where tfjs's heap is a shared memory; true
 * when the thread was started (products use it once it runs: gemmOn(backend).threads === 2).
 * Not on by default: each ML worker of the pool would add a thread, and the pool already fills
 * the cores when several jobs run; a lone training job is where it pays.
 */
export function startGemmThread(backend: unknown): boolean {
	return gemmOn(backend)?.startThread(spawnBrowserThread) ?? false;
}

/** End the thread startGemmThread started, if any. */
export function stopGemmThread(backend: unknown): void {
	gemmOn(backend)?.stopThread();
}

/** Whether KilnGemm serves an [m, k]·[k, n] product on `backend`. */
export const gemmServes = (backend: unknown, m: number, n: number, k: number): boolean => gemmFits(m, n, k) && gemmOn(backend) !== null;

export const gemmKernel: KernelFunc = ({ inputs, attrs, backend }) => {
	const { a, b, bias, mask } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; mask?: TensorInfo };
	const { transposeA, relu } = attrs as unknown as GemmAttrs;
	const wasm = backend as BackendWasm;
	const [k, n] = b.shape;
	const m = transposeA ? a.shape[1] : a.shape[0];
	const gemm = gemmOn(backend);
	if (!gemm || !gemmFits(m, n, k) || (transposeA ? a.shape[0] : a.shape[1]) !== k || (mask && (mask.shape[0] !== m || mask.shape[1] !== n))) {
		throw new Error(`KilnGemm cannot multiply [${a.shape}]${transposeA ? 'ᵀ' : ''} by [${b.shape}] here`);
	}
	// The output and scratch first: making them can grow the heap, which detaches views taken before.
	const out = wasm.makeOutput([m, n], 'float32');
	const scratch = wasm.makeOutput([gemmScratchBytes(n) / 4], 'float32');
	const at = (t: TensorInfo) => wasm.typedArrayFromHeap(t).byteOffset;
	gemm.run({
		a: at(a),
		ars: transposeA ? 4 : 4 * k,
		aks: transposeA ? 4 * m : 4,
		b: at(b),
		c: at(out),
		m,
		n,
		k,
		bias: bias ? at(bias) : -1,
		relu,
		mask: mask ? at(mask) : -1,
		scratch: at(scratch)
	});
	wasm.disposeData(scratch.dataId);
	return out;
};

/** Register KilnGemm for wasm; a no-op once done. */
export function registerGemmKernel(): void {
	if (!getKernel(GEMM, 'wasm')) registerKernel({ kernelName: GEMM, backendName: 'wasm', kernelFunc: gemmKernel });
}
