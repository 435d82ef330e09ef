import type { BackendChoice, PredictResult } from '$workers/protocol';
import { PACKAGE_LANE } from '$workers/protocol';
import { KilnError, type ErrorKind } from '$shared/errors';
import { LaneClient } from '$workers/lib/predict-lane/client';
import { LANE_BYTES } from '$workers/lib/predict-lane/layout';
import type { LanePackage } from '$workers/lib/predict-lane/lane-model';
import { predictor } from './workers';

/**
 * Form predictions through shared memory (workers/lib/predict-lane/): a small worker holding the
 * model's plain-JS forward answers a row written into a SharedArrayBuffer, with no message, clone
 * or event-loop turn on either side — the page↔worker message round trip alone cost more than
 * onnxruntime-node's whole prediction. Only for the plain-JS runtime, only in cross-origin
 * isolated pages; anything it cannot take (no isolation, no plain forward, a row needing the
 * importer, a stuck lane) answers null and the caller uses the message lane.
 */

// `new URL(..., import.meta.url)` must stay literal for Vite to bundle the worker.
const createLaneWorker = () => new Worker(new URL('../../../workers/predict-lane.worker.ts', import.meta.url), { type: 'module', name: 'kiln-predict-lane' });

export interface SharedLaneSettings {
	enabled: boolean;
	/** The page's poll for an answer before it yields (Atomics.waitAsync). */
	pageSpinMs: number;
	/** The lane worker's poll after an answer before it sleeps in Atomics.wait (see serve.ts). */
	laneSpinMs: number;
}

// Picked by bench/predict-latency.mjs. On a quiet machine (session 8, load ~1.2) a lane that
// sleeps in Atomics.wait between rows answered in 0.150–0.165 ms p50 — waking a sleeping thread
// on an idle core is slow — and one that polls 2 ms after each answer in 0.035 ms. On a loaded
// 2-core machine (load 7–9) the sleeping lane was 0.040–0.075 ms and the polling one
// 0.030–0.175 ms, some rounds far slower (two pollers on two busy cores). A person's machine is
// mostly idle, so the lane polls; only a burst of rows keeps it polling, and idle it sleeps.
const DEFAULTS: SharedLaneSettings = { enabled: true, pageSpinMs: 2, laneSpinMs: 2 };
const settings: SharedLaneSettings = { ...DEFAULTS };
const OPEN_TIMEOUT_MS = 15_000;
const ANSWER_TIMEOUT_MS = 5_000;

interface Lane {
	modelId: string;
	worker: Worker;
	client: LaneClient;
}

let lane: Lane | null = null;
let opening: Promise<Lane | null> | null = null;
let openingFor = '';
/** Models whose lane could not open (no plain forward, or the worker failed): they use the message lane. */
const refused = new Set<string>();

export function sharedLaneUsable(): boolean {
	return settings.enabled && typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated === true;
}

/** The bench's switch between the lanes and their poll windows (unset: the studio's defaults); a changed lane poll re-opens the lane. */
export function setSharedLane(next: Partial<SharedLaneSettings>): void {
	const wanted = { ...DEFAULTS, ...next };
	const reopen = wanted.laneSpinMs !== settings.laneSpinMs;
	Object.assign(settings, wanted);
	if (reopen || !settings.enabled) closeSharedLane();
}

export function closeSharedLane(): void {
	if (lane) {
		lane.client.close();
		lane.worker.terminate();
	}
	lane = null;
	opening = null;
	openingFor = '';
}

async function open(modelId: string, backend: BackendChoice): Promise<Lane | null> {
	const pkg = await predictor.lane<LanePackage | null>(PACKAGE_LANE, { modelId, backend });
	if (!pkg) return null;
	const worker = createLaneWorker();
	const buffer = new SharedArrayBuffer(LANE_BYTES);
	try {
		const columns = await new Promise<string[]>((resolve, reject) => {
			const timer = setTimeout(() => reject(new KilnError('WorkerError', 'The prediction lane did not start.')), OPEN_TIMEOUT_MS);
			worker.addEventListener('message', (event: MessageEvent<{ columns?: string[]; error?: { name: string; message: string } }>) => {
				clearTimeout(timer);
				if (event.data.columns) resolve(event.data.columns);
				else reject(new KilnError((event.data.error?.name ?? 'WorkerError') as ErrorKind, event.data.error?.message ?? 'The prediction lane did not start.'));
			}, { once: true });
			worker.addEventListener('error', () => (clearTimeout(timer), reject(new KilnError('WorkerError', 'The prediction lane worker failed to load.'))), { once: true });
			worker.postMessage({ buffer, pkg, spinMs: settings.laneSpinMs });
		});
		return { modelId, worker, client: new LaneClient(buffer, columns, { spinMs: settings.pageSpinMs, timeoutMs: ANSWER_TIMEOUT_MS, now: () => performance.now() }) };
	} catch (error) {
		worker.terminate();
		throw error;
	}
}

/** The open lane for this model, fed on first use (a model switch ends the previous one's worker). */
async function laneFor(modelId: string, backend: BackendChoice): Promise<Lane | null> {
	if (lane?.modelId === modelId) return lane;
	if (refused.has(modelId)) return null;
	if (!opening || openingFor !== modelId) {
		closeSharedLane();
		openingFor = modelId;
		opening = open(modelId, backend).then(
			(opened) => {
				if (!opened) refused.add(modelId);
				return opened;
			},
			() => (refused.add(modelId), null)
		);
	}
	const opened = await opening;
	if (openingFor !== modelId) {
		// Closed, or another model asked, while this one was being fed.
		if (opened && lane !== opened) {
			opened.client.close();
			opened.worker.terminate();
		}
		return null;
	}
	lane = opened;
	opening = null;
	return opened;
}

/**
 * One raw form row → its prediction on the model's plain-JS forward through the shared lane;
 * null when the message lane must carry it. A row the model refuses throws its KilnError, as
 * the message lane does.
 */
export async function predictRowShared(modelId: string, backend: BackendChoice, row: Record<string, string>): Promise<PredictResult | null> {
	if (!sharedLaneUsable()) return null;
	const current = lane?.modelId === modelId ? lane : await laneFor(modelId, backend);
	if (!current) return null;
	const asked = current.client.ask(row);
	if (!asked) return null;
	const answer = asked instanceof Promise ? await asked : asked;
	if (current.client.broken) {
		// Stuck or refused by the engine once: this model stays on the message lane.
		refused.add(modelId);
		if (lane === current) closeSharedLane();
	}
	if (answer.kind === 'error') throw new KilnError(answer.name as ErrorKind, answer.message);
	return answer.kind === 'result' ? answer.result : null;
}
