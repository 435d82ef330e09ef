import * as Comlink from 'comlink';
import type { BackendChoice, LatencyRow, ModelSignature, PickedModelFile, PlaygroundInput, PlaygroundPrediction, PlaygroundProgress } from '$workers/protocol';
import { playgroundWorker } from './workers';

/**
 * The playground's model lives in its own ML worker between calls (load, predict, time).
 * Cancel terminates that worker, and the model with it: the page then asks for it again.
 */
export function playgroundLoad(files: PickedModelFile[], backend: BackendChoice, onProgress: (p: PlaygroundProgress) => void, signal?: AbortSignal): Promise<ModelSignature> {
	return playgroundWorker.call((api) => api.playgroundLoad(files, backend, Comlink.proxy(onProgress)), signal);
}

export function playgroundPredict(input: PlaygroundInput, signal?: AbortSignal): Promise<PlaygroundPrediction> {
	return playgroundWorker.call((api) => api.playgroundPredict(input), signal);
}

export function playgroundLatency(onProgress: (p: PlaygroundProgress) => void, signal?: AbortSignal): Promise<LatencyRow[]> {
	return playgroundWorker.call((api) => api.playgroundLatency(Comlink.proxy(onProgress)), signal);
}
