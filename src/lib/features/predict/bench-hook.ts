import * as bridge from '$lib/bridge';
import type { Preprocessing, RuntimePick } from '$workers/protocol';
import type { Predictor } from './predict.svelte';

/**
 * `npm run bench` (BENCH_PARTS=predict) times the studio's own prediction path from the page:
 * a raw row handed to the Predictor, the label back. The hook exists only in a tab whose
 * sessionStorage holds `kiln-bench-predict` = '1' (the bench sets it before the page loads);
 * it can do nothing the Predict page itself cannot.
 */
export interface PredictBenchHook {
	ready(): boolean;
	model(): { runId: string; modelId: string; preprocessing: Preprocessing | null };
	/** One prediction through Predictor.label: the raw row in, the label out. */
	label(row: Record<string, string>): Promise<string>;
	pick(): RuntimePick | null;
	/** Choose 'auto', 'tfjs', 'js' or 'onnx:float32' as the form's menu would. */
	setRuntime(runtime: string): void;
	/** 'shared': the plain-JS runtime's rows through the SharedArrayBuffer lane when it can (the studio's default); 'message': always the message lane. Poll windows in ms. */
	setLane(lane: 'shared' | 'message', pageSpinMs?: number, laneSpinMs?: number): void;
	/** Whether the page can use the shared lane at all (cross-origin isolated). */
	sharedLane(): boolean;
	/** An empty round trip to the prediction worker. */
	ping(): Promise<number>;
	/** The run's raw-row ONNX export (the file Ship downloads), as bytes. */
	onnx(): Promise<number[]>;
}

const KEY = '__kilnPredictBench';

export function exposeForBench(predictor: Predictor): () => void {
	let enabled = false;
	try {
		enabled = sessionStorage.getItem('kiln-bench-predict') === '1';
	} catch {
		// Storage blocked: no hook.
	}
	if (!enabled) return () => {};
	const hook: PredictBenchHook = {
		ready: () => !!predictor.model,
		model: () => ({ runId: predictor.model!.runId, modelId: predictor.model!.id, preprocessing: predictor.model!.preprocessing ?? null }),
		label: async (row) => (await predictor.label(row)).predictions[0],
		pick: () => predictor.pick,
		setRuntime: (runtime) => (predictor.runtime = runtime),
		setLane: (lane, pageSpinMs, laneSpinMs) => bridge.setSharedLane({ enabled: lane === 'shared', ...(pageSpinMs === undefined ? {} : { pageSpinMs }), ...(laneSpinMs === undefined ? {} : { laneSpinMs }) }),
		sharedLane: () => bridge.sharedLaneUsable(),
		ping: () => bridge.pingPredictor(),
		onnx: async () => {
			const result = await bridge.exportOnnx({ runId: predictor.model!.runId }, async () => 'auto', () => {});
			return Array.from(new Uint8Array(await result.file.arrayBuffer()));
		}
	};
	(globalThis as Record<string, unknown>)[KEY] = hook;
	return () => delete (globalThis as Record<string, unknown>)[KEY];
}
