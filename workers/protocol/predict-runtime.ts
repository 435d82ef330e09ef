import type { BackendChoice } from './backends';
import type { PredictResult } from './training';

/**
 * Which runtime computes a model's form predictions: TensorFlow.js (the model as trained), a
 * plain JavaScript forward pass over the same weights (no tensors; Dense stacks only), or the
 * ONNX export in ONNX Runtime Web. Kiln times them per model and uses the fastest.
 */
export type PredictRuntime = 'tfjs' | 'js' | 'onnx';

export interface RuntimeTiming {
	runtime: PredictRuntime;
	/** Median ms of one raw row → label inside the prediction worker (or the compression table's batch-1 figure). */
	ms: number;
	/** tfjs backend (wasm, webgl, cpu…) or 'wasm' for ONNX Runtime Web. */
	backend: string;
}

/** The measured pick, kept with the run (RunRecord.runtimePick). */
export interface RuntimePick {
	runtime: PredictRuntime;
	/** Fastest first. */
	timings: RuntimeTiming[];
	measuredAt: number;
	/** 'measured': timed in the prediction worker on a form row; 'tradeoff': the compression table's batch-1 latencies. */
	source: 'measured' | 'tradeoff';
	modelId: string;
	/** Timed runs per runtime (after warm-up); 0 for figures taken from the compression table. */
	repeats: number;
}

export interface RowPredictRequest {
	modelId: string;
	runtime: PredictRuntime;
	backend: BackendChoice;
}

/** The plain-message lane predictRowWith travels on: `{ lane, n, request, row }` → `{ lane, n, result | error }`. */
export const PREDICT_LANE = 'kiln-predict-row';
/** `{ lane, n, modelId, backend }` → the model's prediction-lane package (workers/lib/predict-lane/lane-model.ts) or null when it has no plain-JS forward. */
export const PACKAGE_LANE = 'kiln-predict-package';
/** The same lane answering at once: the floor under a form prediction's round trip. */
export const PING_LANE = 'kiln-ping';

export interface PredictRuntimeApi {
	/**
	 * The run's stored pick; if there is none (or `remeasure`), one from the compression table's
	 * float32 batch-1 latencies when it holds both runtimes, else timed now on `row`; stored with
	 * the run. Null when the model has a single runtime.
	 */
	pickRuntime(runId: string, row: Record<string, string>, backend: BackendChoice, remeasure?: boolean): Promise<RuntimePick | null>;
	/** One form row predicted with a given runtime, the model and its reading kept warm in the worker. */
	predictRowWith(request: RowPredictRequest, row: Record<string, string>): Promise<PredictResult & { runtime: PredictRuntime }>;
}
