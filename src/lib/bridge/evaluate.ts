import * as Comlink from 'comlink';
import type { BackendChoice, EvaluateRequest, EvaluationProgress, RowExplanation, RunEvaluation } from '$workers/protocol';
import { mlPool, predictor } from './workers';

/** A run's evaluation suite, computed in a worker of the ML pool (it runs the model many times). */
export function evaluateRun(request: EvaluateRequest, backend: () => Promise<BackendChoice>, onProgress: (p: EvaluationProgress) => void, signal?: AbortSignal, onStart?: () => void): Promise<RunEvaluation> {
	return mlPool.run(async (api) => {
		await api.useBackend(await backend());
		return api.evaluateRun(request, Comlink.proxy(onProgress));
	}, signal, onStart);
}

/** Attributions for one typed row, in the warm prediction worker. */
export function explainPrediction(modelId: string, row: Record<string, string>, backend: BackendChoice): Promise<RowExplanation> {
	return predictor.call(async (api) => {
		await api.useBackend(backend);
		return api.explainPrediction(modelId, row);
	});
}
