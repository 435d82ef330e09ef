import type { BackendChoice, PredictResult, PredictRuntime, RowPredictRequest, RuntimePick } from '$workers/protocol';
import { predictor } from './workers';

/** The run's prediction runtime: stored, from its compression table, or timed now on `row` (warm prediction worker). */
export function pickPredictRuntime(runId: string, row: Record<string, string>, backend: BackendChoice, remeasure = false): Promise<RuntimePick | null> {
	return predictor.call((api) => api.pickRuntime(runId, row, backend, remeasure));
}

/** One form row on a given runtime: one message each way, the model kept warm in the worker. */
export function predictRowWith(request: RowPredictRequest, row: Record<string, string>): Promise<PredictResult & { runtime: PredictRuntime }> {
	return predictor.call((api) => api.predictRowWith(request, row));
}

/** An empty round trip to the prediction worker (the floor under any prediction's time). */
export function pingPredictor(): Promise<number> {
	return predictor.call((api) => api.ping());
}
