import * as Comlink from 'comlink';
import type {
	ActiveBackend,
	BackendChoice,
	DataWorkerApi,
	EnvironmentReport,
	ExpectedColumn,
	JobEvent,
	MlWorkerApi,
	ModelArtifacts,
	ParsedCsv,
	PredictResult,
	Preprocessing,
	Table,
	TrainCheckpoint,
	TrainConfig,
	TrainResult
} from '$workers/protocol';
import { tableBuffers } from '$shared/table';
import { KilnError } from '$shared/errors';
import { WorkerBridge } from './worker-bridge';

// `new URL(..., import.meta.url)` must stay literal for Vite to bundle each worker separately.
const data = new WorkerBridge<DataWorkerApi>(
	() => new Worker(new URL('../../../workers/data.worker.ts', import.meta.url), { type: 'module', name: 'kiln-data' }),
	'data'
);
const ml = new WorkerBridge<MlWorkerApi>(
	() => new Worker(new URL('../../../workers/ml.worker.ts', import.meta.url), { type: 'module', name: 'kiln-ml' }),
	'training'
);
/** Settings probes run in their own worker so measuring never waits behind a training job. */
const probe = new WorkerBridge<MlWorkerApi>(
	() => new Worker(new URL('../../../workers/ml.worker.ts', import.meta.url), { type: 'module', name: 'kiln-probe' }),
	'benchmark'
);

/** Files larger than this are refused before reading, with a message, instead of freezing the tab. */
export const MAX_CSV_BYTES = 512 * 1024 * 1024;

export async function parseCsvFile(file: Blob, fileName: string, expected?: ExpectedColumn[], onProgress?: (fraction: number) => void): Promise<ParsedCsv> {
	if (file.size > MAX_CSV_BYTES) {
		throw new KilnError('CsvParseError', `${fileName}: the file is ${(file.size / 2 ** 20).toFixed(0)} MB; Kiln reads CSV files up to ${MAX_CSV_BYTES / 2 ** 20} MB.`);
	}
	const buffer = await file.arrayBuffer();
	return data.call((api) => api.parseCsv(Comlink.transfer(buffer, [buffer]), fileName, expected, onProgress && Comlink.proxy(onProgress)));
}

/** The table's buffers move to the worker: pass a table the page no longer needs. */
export interface TrainJob {
	table: Table;
	config: TrainConfig;
	backend: BackendChoice;
	onEvent: (event: JobEvent) => void;
	signal?: AbortSignal;
	resume?: TrainCheckpoint;
}

export function train({ table, config, backend, onEvent, signal, resume }: TrainJob): Promise<TrainResult> {
	return ml.call(async (api) => {
		// The worker's train() logs the backend and any fallback note itself.
		await api.useBackend(backend);
		return api.train(Comlink.transfer(table, tableBuffers(table)), config, Comlink.proxy(onEvent), resume);
	}, signal);
}

export function predict(model: ModelArtifacts, preprocessing: Preprocessing, table: Table, backend: BackendChoice): Promise<PredictResult> {
	return ml.call(async (api) => {
		await api.useBackend(backend);
		return api.predict(model, preprocessing, Comlink.transfer(table, tableBuffers(table)));
	});
}

export function activeBackend(backend: BackendChoice): Promise<ActiveBackend> {
	return ml.call((api) => api.useBackend(backend));
}

/** The probe worker is stopped afterwards: it holds a WebGL and a WebGPU context nobody needs. */
export async function probeEnvironment(signal?: AbortSignal): Promise<EnvironmentReport> {
	try {
		return await probe.call((api) => api.probe(), signal);
	} finally {
		probe.stop();
	}
}
