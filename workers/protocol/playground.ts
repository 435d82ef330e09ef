import type { BackendChoice } from './backends';
import type { LatencyRow, ModelSignature, PlaygroundInput, PlaygroundPrediction } from '$workers/lib/playground/types';

export type { ClassScore, LatencyRow, ModelSignature, OutputView, PlaygroundInput, PlaygroundPrediction, TensorSpec } from '$workers/lib/playground/types';

/** A file the person picked or dropped, with the name it had on their machine. */
export interface PickedModelFile {
	name: string;
	file: Blob;
}

export interface PlaygroundProgress {
	fraction: number;
	label: string;
}

/**
 * The inference playground: a model made anywhere, loaded into one worker that keeps it (the
 * page never holds its bytes), predicted from text, a CSV or a picture, and timed per backend.
 */
export interface PlaygroundApi {
	playgroundLoad(files: PickedModelFile[], backend: BackendChoice, onProgress?: (p: PlaygroundProgress) => void): Promise<ModelSignature>;
	playgroundPredict(input: PlaygroundInput): Promise<PlaygroundPrediction>;
	/** Median latency on each runtime/backend this browser offers, on the last input (or zeros of batch 1). */
	playgroundLatency(onProgress?: (p: PlaygroundProgress) => void): Promise<LatencyRow[]>;
}
