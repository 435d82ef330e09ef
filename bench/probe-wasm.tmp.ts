import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '$workers/lib/kernels/register';
export async function useWasm(dist: string): Promise<string> {
	tf.env().set('PROD', true);
	setWasmPaths(dist);
	registerWasmKernels();
	await tf.setBackend('wasm');
	await tf.ready();
	return tf.getBackend();
}
