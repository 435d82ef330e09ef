/**
 * Types of Kiln's vision library: CNN specs (plain JSON the UI edits), image batches, the
 * training source, events and results. All structured-cloneable, so they cross to a worker.
 */
import type { ClassificationMetrics, EpochRecord, JobEvent, ModelArtifacts, TrainCheckpoint } from '$workers/protocol';

export type Activation = 'relu' | 'relu6' | 'elu' | 'tanh' | 'sigmoid' | 'linear';
export type Padding = 'same' | 'valid';
/** A square size, or [height, width]. */
export type KernelSize = number | [number, number];

export type LayerSpec =
	| { type: 'conv2d'; filters: number; kernel: KernelSize; stride?: number; padding?: Padding; activation?: Activation }
	| { type: 'depthwiseConv2d'; kernel: KernelSize; stride?: number; padding?: Padding; activation?: Activation; depthMultiplier?: number }
	| { type: 'separableConv2d'; filters: number; kernel: KernelSize; stride?: number; padding?: Padding; activation?: Activation; depthMultiplier?: number }
	| { type: 'maxPool'; size: number; stride?: number; padding?: Padding }
	| { type: 'avgPool'; size: number; stride?: number; padding?: Padding }
	| { type: 'globalAvgPool' }
	| { type: 'batchNorm'; momentum?: number }
	| { type: 'activation'; activation: Activation }
	| { type: 'dropout'; rate: number }
	| { type: 'flatten' }
	| { type: 'dense'; units: number; activation?: Activation };

export type LayerType = LayerSpec['type'];

export interface ImageShape {
	height: number;
	width: number;
	/** 1 for grayscale, 3 for RGB. */
	channels: number;
}

/**
 * A CNN as data. The builder appends the classifier (a Dense layer with one linear output per
 * class: logits), so `layers` ends with the features it should see (after flatten, global
 * pooling or dense layers).
 */
export interface CnnSpec {
	input: ImageShape;
	layers: LayerSpec[];
	classes: number;
}

export interface LayerSummary {
	/** Index into spec.layers; the appended classifier has index spec.layers.length. */
	index: number;
	type: LayerType | 'classifier';
	/** Short description, e.g. "conv2d 32 3×3 relu". */
	label: string;
	/** Output shape without the batch axis: [h, w, c] for images, [units] for vectors. */
	outputShape: number[];
	params: number;
	trainableParams: number;
}

export interface CnnSummary {
	layers: LayerSummary[];
	params: number;
	trainableParams: number;
	/** Problems a person can fix, e.g. a kernel larger than the image reaching it; empty when the spec builds. */
	errors: { index: number; message: string }[];
}

/** uint8 images in NHWC order (row-major, channels last), as the lead stores them. */
export interface ImageBatch {
	data: Uint8Array;
	count: number;
	shape: ImageShape;
}

/**
 * Where training reads images: `getBatch(indices)` returns those images' bytes, concatenated in
 * the given order (count · h · w · c bytes). Backed by IndexedDB chunks in the app, by an array
 * in tests; the trainer never asks for more than one batch at a time.
 */
export interface ImageSource {
	shape: ImageShape;
	count: number;
	getBatch(indices: Int32Array): Promise<Uint8Array>;
}

export interface AugmentOptions {
	/** Probability of a left–right flip (0 = off). Not for digits or text. */
	flip?: number;
	/** Largest rotation either way, in degrees. */
	rotate?: number;
	/** Largest shift either way, as a fraction of the width/height (0.1 = 10 %). */
	shift?: number;
	/** Largest brightness change either way, as a fraction of the full range (0.2 = ±51 of 255). */
	brightness?: number;
	/** Largest contrast change either way, as a factor around 1 (0.2 = ×0.8 … ×1.2). */
	contrast?: number;
	/** Standard deviation of added Gaussian noise, in pixel units (0–255). */
	noise?: number;
}

export interface CnnTrainOptions {
	epochs: number;
	batchSize: number;
	/** Adam learning rate. */
	lr: number;
	/** 'cosine' lowers the rate smoothly to 5 % of lr by the last batch; default 'constant'. */
	lrSchedule?: 'constant' | 'cosine';
	seed: number;
	augment?: AugmentOptions;
	/** Rows of the source used for validation after each epoch (the rest train), or none. */
	validation?: Int32Array;
	/** Rows to train on; defaults to every row not in `validation`. */
	train?: Int32Array;
	/** Rows the result's metrics score once, after training (a run's holdout); default the validation rows. */
	scored?: Int32Array;
	/** Class names in label order; default "0", "1", …. */
	classNames?: string[];
	onEvent?: (event: JobEvent) => void;
	signal?: AbortSignal;
	/** Hand a checkpoint to onCheckpoint at the end of an epoch when this many ms have passed since the last one. */
	checkpointInterval?: number;
	/** Stores a checkpoint (the worker writes it to IndexedDB); training waits for it. */
	onCheckpoint?: (checkpoint: TrainCheckpoint) => Promise<void> | void;
	resume?: TrainCheckpoint;
	/** Images decoded per step are cached up to this many bytes (default 64 MB). */
	cacheBytes?: number;
	/** Minimum ms between progress events. */
	progressInterval?: number;
}

export interface CnnTrainResult {
	model: ModelArtifacts;
	spec: CnnSpec;
	history: EpochRecord[];
	backend: string;
	trainRows: number;
	validationRows: number;
	samplesPerSecond: number;
	durationMs: number;
	/** On the validation rows (when there are any): accuracy, confusion, and each row's prediction. */
	metrics?: ClassificationMetrics & { predictions: Int32Array; rows: Int32Array };
}
