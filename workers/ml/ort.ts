import type { OrtRuntime } from '../lib/ship';
// Vite emits the wasm as a hashed same-origin asset (no CDN); ORT is told where it is.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

type OrtModule = typeof import('onnxruntime-web/wasm');

/**
 * One onnxruntime-web build, loaded on first use inside a worker only (never in a page), with its
 * wasm at `wasmUrl`. One thread: it is already off the main thread, the ML pool runs one job per
 * core, and ORT's own thread workers would be started from this worker's script, which is not theirs.
 * A failed load is forgotten so the next call tries again.
 */
export function ortLoader(load: () => Promise<OrtModule>, wasmUrl: string): () => Promise<OrtRuntime> {
	let loading: Promise<OrtRuntime> | null = null;
	return () => {
		loading ??= load().then((ort) => {
			ort.env.wasm.wasmPaths = { wasm: wasmUrl };
			ort.env.wasm.numThreads = 1;
			ort.env.wasm.proxy = false;
			ort.env.logLevel = 'error';
			return ort as unknown as OrtRuntime;
		});
		return loading.catch((error) => {
			loading = null;
			throw error;
		});
	};
}

/** onnxruntime-web's wasm build. */
export const loadOrt = ortLoader(() => import('onnxruntime-web/wasm'), ortWasmUrl);

export const ORT_LABEL = 'ONNX Runtime Web (wasm, 1 thread)';
