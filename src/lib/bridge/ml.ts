import * as Comlink from 'comlink';
import type { ActiveBackend, BackendChoice, EnvironmentReport, FilePrediction, JobEvent, PredictResult, TrainRequest, RunResult } from '$workers/protocol';
import { mlPool, predictor, prober } from './workers';
import { sharesForest, trainForestInPool } from './forest';

export const trainingSlots = mlPool.size;

export interface TrainJob {
	request: TrainRequest;
	/** Read when the job leaves the queue, so a backend switched meanwhile applies to it. */
	backend: () => Promise<BackendChoice>;
	onEvent: (event: JobEvent) => void;
	onStart?: () => void;
	signal?: AbortSignal;
}

/**
 * Start up to `count` of the pool's workers ahead of jobs: each loads its backend and trains the
 * warm-up networks (workers/lib/trial-warmup.ts), so V8 has compiled the training path before a
 * run or trial needs it. In a fresh worker the bench's MLP trained its first epochs at a third to
 * a half of its later rate (bench/README.md). A job reaching a warming worker stops the warm-up.
 */
export function warmTrainingWorkers(count: number, backend: () => Promise<BackendChoice>): Promise<void> {
	return mlPool.warm(
		count,
		async (api) => api.useBackend(await backend()),
		(api) => api.warmTrials()
	);
}

export function train(job: TrainJob): Promise<RunResult> {
	// A random forest's trees grow side by side in the pool's workers.
	if (sharesForest(job, mlPool)) return trainForestInPool(job, mlPool);
	const { request, backend, onEvent, onStart, signal } = job;
	return mlPool.run(async (api) => {
		await api.useBackend(await backend());
		// This job counts itself: 1 means it has the pool, and the cores, to itself.
		const spareCore = mlPool.running === 1 && (globalThis.navigator?.hardwareConcurrency ?? 1) >= 2;
		return api.train({ ...request, spareCore }, Comlink.proxy(onEvent));
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
		return await prober.call((api) => api.probe(), signal);
	} finally {
		prober.stop();
	}
}
