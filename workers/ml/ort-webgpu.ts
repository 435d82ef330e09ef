// The WebGPU build's wasm (26 MB) is a hashed same-origin asset like the wasm build's, but it is
// left out of the offline precache list (vite.config.ts): it is fetched the first time a person
// runs an ONNX model on WebGPU, then the service worker keeps it like any hashed file.
import ortWebgpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { ortLoader } from './ort';

/** onnxruntime-web's WebGPU build, loaded on first use in the playground worker only. */
export const loadOrtWebgpu = ortLoader(() => import('onnxruntime-web/webgpu'), ortWebgpuWasmUrl);
