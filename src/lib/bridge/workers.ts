import type { DataWorkerApi, MlWorkerApi } from '$workers/protocol';
import { WorkerBridge } from './worker-bridge';
import { WorkerPool } from './pool';

// `new URL(..., import.meta.url)` must stay literal for Vite to bundle each worker separately.
const createDataWorker = () => new Worker(new URL('../../../workers/data.worker.ts', import.meta.url), { type: 'module', name: 'kiln-data' });
const createMlWorker = () => new Worker(new URL('../../../workers/ml.worker.ts', import.meta.url), { type: 'module', name: 'kiln-ml' });

/** Imports: one at a time, in the data worker. */
export const data = new WorkerBridge<DataWorkerApi>(createDataWorker, 'data');
/** Reading rows for display never waits behind an import. */
export const reader = new WorkerBridge<DataWorkerApi>(createDataWorker, 'data');
/** Share links, demo pages, model cards and bundles: their own data worker, never behind an import. */
export const shipper = new WorkerBridge<DataWorkerApi>(createDataWorker, 'ship');
/**
 * Model jobs (training runs, search trials, compression) each get an ML worker of their own,
 * as many at once as the machine has cores; more wait their turn.
 */
export const mlPool = new WorkerPool<MlWorkerApi>(createMlWorker, 'training', Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 2));
/** Predictions keep one warm worker, so a form prediction answers at once. */
export const predictor = new WorkerBridge<MlWorkerApi>(createMlWorker, 'prediction');
/** Settings probes run in their own worker so measuring never waits behind a job. */
export const prober = new WorkerBridge<MlWorkerApi>(createMlWorker, 'benchmark');
/** The inference playground keeps the model it loaded in a worker of its own. */
export const playgroundWorker = new WorkerBridge<MlWorkerApi>(createMlWorker, 'playground');
