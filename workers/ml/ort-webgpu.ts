import type { OrtRuntime } from '../lib/ship';
// The WebGPU build's wasm (26 MB) is a hashed same-origin asset like the wasm build's, but it is
// left out of the offline precache list (vite.config.ts): it is fetched the first time a person
// runs an ONNX model on WebGPU, then the service worker keeps it like any hashed file.
import ortWebgpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

let loading: Promise<OrtRuntime> | null = null;

/** onnxruntime-web's WebGPU build, loaded on first use in the playground worker only. */
export function loadOrtWebgpu(): Promise<OrtRuntime> {
	loading ??= import('onnxruntime-web/webgpu').then((ort) => {
		ort.env.wasm.wasmPaths = { wasm: ortWebgpuWasmUrl };
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
