import { asset } from '$app/paths';
import * as bridge from '$lib/bridge';
import { getSetting } from '$lib/db';
import type { JobEvent, TrainResult, VisionTrainRequest } from '$workers/protocol';

/** An image run in the ML pool; the worker fetches the shipped backbone from this site for transfer. */
export function trainImageRun(request: Omit<VisionTrainRequest, 'backboneUrl'>, onEvent: (event: JobEvent) => void, signal: AbortSignal, onStart: () => void): Promise<TrainResult> {
	const backboneUrl = new URL(asset('/models/fashion-backbone/'), location.href).href;
	return bridge.trainImages({ ...request, backboneUrl }, () => getSetting('backend'), onEvent, signal, onStart);
}
