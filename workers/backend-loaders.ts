import type { BackendLoaders } from './lib/backend';
// Vite emits each .wasm as a hashed asset; tfjs is told where they are instead of guessing.
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const loaders: BackendLoaders = {
	cpu: () => import('@tensorflow/tfjs-backend-cpu'),
	webgl: () => import('@tensorflow/tfjs-backend-webgl'),
	webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
	wasm: async () => {
		const wasm = await import('@tensorflow/tfjs-backend-wasm');
		wasm.setWasmPaths({
			'tfjs-backend-wasm.wasm': wasmPlainUrl,
			'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
			'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl
		});
	}
};
