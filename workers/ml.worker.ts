import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import { getCheckpoint, getDataset, getModel, loadTable, saveCheckpoint } from '$lib/db';
import { errorMessage, KilnError } from '$shared/errors';
import { loaders } from './backend-loaders';
import { activateBackend, probeBackends } from './lib/backend';
import { parseCsv } from './lib/csv';
import { predictTable } from './lib/predict';
import { PREVIEW_ROWS, predictionTable, toCsv } from './lib/predict-file';
import { rowsTable } from './lib/rows-table';
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

async function loadModel(modelId: string) {
	const model = await getModel(modelId);
	await ensureBackend();
	return model;
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
	async train({ runId, datasetId, config, resume }, onEvent) {
		const { backend, note } = await ensureBackend();
		onEvent({ type: 'backend', backend, note });
		if (note) onEvent({ type: 'log', message: note });
		const table = await loadTable(await getDataset(datasetId));
		const checkpoint = resume ? (await getCheckpoint(runId)).checkpoint : undefined;
		const result = await trainModel(table, config, {
			onEvent,
			resume: checkpoint,
			checkpointInterval: CHECKPOINT_MS,
			onCheckpoint: async (c) => {
				// A failed checkpoint write (a full disk) must not stop training; the page says so.
				try {
					if (await saveCheckpoint(runId, c)) onEvent({ type: 'checkpoint', epoch: c.epoch });
				} catch (error) {
					onEvent({ type: 'checkpoint', epoch: c.epoch, problem: errorMessage(error) });
				}
			}
		});
		return Comlink.transfer(result, [result.model.weightData]);
	},
	async predictRows(modelId, rows) {
		const model = await loadModel(modelId);
		return predictTable(model.artifacts, model.preprocessing, rowsTable(model.preprocessing.features, rows));
	},
	async predictFile(modelId, file, fileName) {
		const model = await loadModel(modelId);
		const expected = model.preprocessing.features.map((f) => ({ name: f.name, kind: f.kind }));
		const buffer = await file.arrayBuffer();
		const parsed = parseCsv(buffer, fileName, { expected, keepOtherColumns: true });
		const result = await predictTable(model.artifacts, model.preprocessing, parsed.table);
		const { header, rows } = predictionTable(parsed.table, parsed.header, model.preprocessing, result);
		if (rows.length === 0) throw new KilnError('SchemaMismatchError', `${fileName} has no rows to predict.`);
		return {
			rowCount: rows.length,
			header,
			preview: rows.slice(0, PREVIEW_ROWS),
			warnings: result.warnings,
			csv: new Blob([toCsv(header, rows)], { type: 'text/csv' })
		};
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
