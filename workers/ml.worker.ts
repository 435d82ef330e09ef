import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import { loaders } from './backend-loaders';
import { activateBackend, probeBackends } from './lib/backend';
import { predictTable } from './lib/predict';
import { trainModel } from './lib/train';
import type { BackendChoice, BackendName, MlWorkerApi } from './protocol';

/** A closed tab loses at most this much training. */
const CHECKPOINT_MS = 2000;

let active: Promise<{ backend: BackendName; note: string }> | null = null;
let chosen: BackendChoice = 'auto';

function ensureBackend() {
	active ??= activateBackend(chosen, loaders);
	return active;
}

async function wasmFlags(): Promise<{ simd: boolean; threads: boolean }> {
	await loaders.wasm();
	const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
	const threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
	return { simd, threads };
}

const api: MlWorkerApi = {
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
	async train(table, config, onEvent, resume) {
		const { backend, note } = await ensureBackend();
		if (note) onEvent({ type: 'log', message: note });
		onEvent({ type: 'log', message: `Compute backend: ${backend}.` });
		const result = await trainModel(table, config, { onEvent, resume, checkpointInterval: CHECKPOINT_MS });
		return Comlink.transfer(result, [result.model.weightData]);
	},
	async predict(model, preprocessing, table) {
		await ensureBackend();
		return predictTable(model, preprocessing, table);
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

Comlink.expose(api);
