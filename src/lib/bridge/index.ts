import * as Comlink from 'comlink';
import type {
	ActiveBackend,
	BackendChoice,
	DataWorkerApi,
	EnvironmentReport,
	FilePrediction,
	ImportRequest,
	ImportSummary,
	JobEvent,
	MlWorkerApi,
	PredictResult,
	Table,
	TrainRequest,
	TrainResult
} from '$workers/protocol';
import { WorkerBridge } from './worker-bridge';
import { WorkerPool } from './pool';

// `new URL(..., import.meta.url)` must stay literal for Vite to bundle each worker separately.
const createDataWorker = () => new Worker(new URL('../../../workers/data.worker.ts', import.meta.url), { type: 'module', name: 'kiln-data' });
const createMlWorker = () => new Worker(new URL('../../../workers/ml.worker.ts', import.meta.url), { type: 'module', name: 'kiln-ml' });

const data = new WorkerBridge<DataWorkerApi>(createDataWorker, 'data');
/** Reading rows for display never waits behind an import. */
const reader = new WorkerBridge<DataWorkerApi>(createDataWorker, 'data');
/** Each training job gets a worker of its own, as many at once as the machine has cores. */
const trainers = new WorkerPool<MlWorkerApi>(createMlWorker, 'training', Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 2));
/** Predictions keep one warm worker, so a form prediction answers at once. */
const predictor = new WorkerBridge<MlWorkerApi>(createMlWorker, 'prediction');
/** Settings probes run in their own worker so measuring never waits behind a job. */
const probe = new WorkerBridge<MlWorkerApi>(createMlWorker, 'benchmark');

export const trainingSlots = trainers.size;

export function importFile(request: ImportRequest, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<ImportSummary> {
	return data.call((api) => api.importFile(request, onProgress && Comlink.proxy(onProgress)), signal);
}

export function readRows(datasetId: string, start: number, count: number): Promise<Table> {
	return reader.call((api) => api.readRows(datasetId, start, count));
}

export interface TrainJob {
	request: TrainRequest;
	/** Read when the job leaves the queue, so a backend switched meanwhile applies to it. */
	backend: () => Promise<BackendChoice>;
	onEvent: (event: JobEvent) => void;
	onStart?: () => void;
	signal?: AbortSignal;
}

export function train({ request, backend, onEvent, onStart, signal }: TrainJob): Promise<TrainResult> {
	return trainers.run(async (api) => {
		await api.useBackend(await backend());
		return api.train(request, Comlink.proxy(onEvent));
	}, signal, onStart);
}

export function predictRows(modelId: string, rows: Record<string, string>[], backend: BackendChoice): Promise<PredictResult> {
	return predictor.call(async (api) => {
		await api.useBackend(backend);
		return api.predictRows(modelId, rows);
	});
}

export function predictFile(modelId: string, file: Blob, fileName: string, backend: BackendChoice, signal?: AbortSignal): Promise<FilePrediction> {
	return predictor.call(async (api) => {
		await api.useBackend(backend);
		return api.predictFile(modelId, file, fileName);
	}, signal);
}

/** The backend the next job would get with this choice (checked in the prediction worker). */
export function activeBackend(backend: BackendChoice): Promise<ActiveBackend> {
	return predictor.call((api) => api.useBackend(backend));
}

/** The probe worker is stopped afterwards: it holds a WebGL and a WebGPU context nobody needs. */
export async function probeEnvironment(signal?: AbortSignal): Promise<EnvironmentReport> {
	try {
		return await probe.call((api) => api.probe(), signal);
	} finally {
		probe.stop();
	}
}
