import { PACKAGE_LANE, PING_LANE, PREDICT_LANE, type BackendChoice, type RowPredictRequest } from '../protocol';
import { lanePackage, predictRuntimeHandlers } from './predict-runtime';

/**
 * Form predictions on a plain message lane beside Comlink (src/lib/bridge/worker-bridge.ts
 * `lane`): Comlink's request ids, wire-value wrapping and proxies cost about as much as a small
 * model's whole prediction. Comlink's own listener ignores these messages (no `type`).
 */
export function openPredictLane(scope: { addEventListener: typeof self.addEventListener; postMessage: (message: unknown) => void }): void {
	scope.addEventListener('message', (event: MessageEvent) => {
		const data = event.data as { lane?: string; n?: number; request?: RowPredictRequest; row?: Record<string, string>; modelId?: string; backend?: BackendChoice } | null;
		if (data?.lane === PING_LANE) return scope.postMessage({ lane: PING_LANE, n: data.n, result: 0 });
		const answer = (work: Promise<unknown>) =>
			work.then(
				(result) => scope.postMessage({ lane: data!.lane, n: data!.n, result }),
				(error: unknown) => {
					const { name, message } = error instanceof Error ? error : { name: 'WorkerError', message: String(error) };
					scope.postMessage({ lane: data!.lane, n: data!.n, error: { name, message } });
				}
			);
		if (data?.lane === PACKAGE_LANE && data.modelId && data.backend) return void answer(lanePackage(data.modelId, data.backend));
		if (data?.lane !== PREDICT_LANE || !data.request || !data.row) return;
		answer(predictRuntimeHandlers.predictRowWith(data.request, data.row));
	});
}
