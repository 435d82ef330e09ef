import type { BackendChoice, PredictResult, PredictRuntime, RowPredictRequest, RuntimePick } from '$workers/protocol';
import { PING_LANE, PREDICT_LANE } from '$workers/protocol';
import { predictor } from './workers';

/** The run's prediction runtime: stored, from its compression table, or timed now on `row` (warm prediction worker). */
export function pickPredictRuntime(runId: string, row: Record<string, string>, backend: BackendChoice, remeasure = false): Promise<RuntimePick | null> {
	return predictor.call((api) => api.pickRuntime(runId, row, backend, remeasure));
}

/**
 * One form row on a given runtime: one plain message each way (workers/ml/predict-lane.ts), the
 * model kept warm in the worker. Through Comlink the same call took ~0.13 ms longer.
 */
export function predictRowWith(request: RowPredictRequest, row: Record<string, string>): Promise<PredictResult & { runtime: PredictRuntime }> {
	return predictor.lane(PREDICT_LANE, { request, row });
}

/** An empty round trip to the prediction worker on the lane predictions take (the floor under their time). */
export function pingPredictor(): Promise<number> {
	return predictor.lane(PING_LANE, {});
}
