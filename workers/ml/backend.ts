import * as tf from '@tensorflow/tfjs-core';
import { loaders } from '../backend-loaders';
import { activateBackend, probeBackends } from '../lib/backend';
import type { BackendApi, BackendChoice, BackendName } from '../protocol';

let active: Promise<{ backend: BackendName; note: string }> | null = null;
let chosen: BackendChoice = 'auto';

/** The backend this worker computes on, started (and verified) on first use. */
export function ensureBackend(): Promise<{ backend: BackendName; note: string }> {
	active ??= activateBackend(chosen, loaders);
	return active;
}

/** What the person chose in settings for this worker's jobs. */
export function chosenBackend(): BackendChoice {
	return chosen;
}

/** The `auto` probe switched backends: later calls in this worker use its pick. */
export function markActive(backend: BackendName): void {
	active = Promise.resolve({ backend, note: '' });
}

async function wasmFlags(): Promise<{ simd: boolean; threads: boolean }> {
	await loaders.wasm();
	const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
	const threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
	return { simd, threads };
}

export const backendHandlers: BackendApi = {
	async useBackend(choice) {
		if (choice !== chosen || !active) {
			chosen = choice;
			active = null;
		}
		return ensureBackend().catch((error) => {
			active = null;
			throw error;
		});
	},
	async probe() {
		const current = active ? (await active).backend : null;
		const backends = await probeBackends(loaders, current);
		const { simd, threads } = await wasmFlags();
		return {
			backends,
			wasmSimd: simd,
			wasmThreads: threads,
			crossOriginIsolated: self.crossOriginIsolated === true,
			hardwareConcurrency: navigator.hardwareConcurrency ?? 1
		};
	}
};
