import type { OrtRuntime } from '../lib/ship';
// Vite emits the wasm as a hashed same-origin asset (no CDN); ORT is told where it is.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

let loading: Promise<OrtRuntime> | null = null;

/**
 * onnxruntime-web's wasm build, loaded on first use inside this worker only (never in a page).
 * One thread: it is already off the main thread, the ML pool runs one job per core, and ORT's
 * own thread workers would be started from this worker's script, which is not theirs.
 */
export function loadOrt(): Promise<OrtRuntime> {
	loading ??= import('onnxruntime-web/wasm').then((ort) => {
		ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
		ort.env.wasm.numThreads = 1;
		ort.env.wasm.proxy = false;
		ort.env.logLevel = 'error';
		return ort as unknown as OrtRuntime;
	});
	return loading.catch((error) => {
		loading = null;
		throw error;
	});
}

export const ORT_LABEL = 'ONNX Runtime Web (wasm, 1 thread)';
