import type { InferenceSession, Tensor } from 'onnxruntime-web';
import type { ModelArtifacts } from '$workers/protocol';

/**
 * Types of the ship library (export, compression, measurement). All plain, structured-cloneable
 * data, so the lead can move them into workers/protocol as they are.
 */

// ---- ONNX export ----------------------------------------------------------------------------

export interface TfjsOnnxOptions {
	/** 13 (default; LayerNormalization decomposed) or 17 (native LayerNormalization). */
	opset?: 13 | 17;
	/** Graph input names; default 'input' (or input_0, input_1, ... for several). */
	inputNames?: string[];
	/** Graph output names; default 'output' (or output_0, ...). */
	outputNames?: string[];
	/** Add Softmax over the last axis to every output (Kiln's models emit logits). */
	appendSoftmax?: boolean;
	/** Name of the symbolic batch dimension (default 'N'). */
	batchDim?: string;
}

/**
 * Linear model heads:
 * - 'regression': output `y` [N, out] = x·coef + intercept.
 * - 'classification': outputs `logits` [N, out] and `probabilities` [N, out] (softmax); with
 *   out = 1 it is binary logistic regression and `probabilities` is [N, 2] = [1 − p, p].
 */
export type LinearTask = 'regression' | 'classification';

export interface LinearOnnxOptions {
	inputName?: string;
	opset?: 13 | 17;
}

// ---- tree ensembles ---------------------------------------------------------------------------

/**
 * One node of a binary decision tree, stored in a flat array (`DecisionTree.nodes`).
 * Split node: `feature` ≥ 0; a row goes to `left` when x[feature] <= threshold, else `right`;
 * a missing value (NaN) goes to `left` when `missingGoesLeft`, else `right`.
 * Leaf: `feature` = -1, `left` = `right` = -1 and `value` holds the leaf's contribution, one
 * number per class (classification) or one number (regression).
 * Thresholds and inputs are compared as float32 (ONNX-ML does), so keep thresholds in float32.
 */
export interface TreeNode {
	feature: number;
	threshold: number;
	left: number;
	right: number;
	missingGoesLeft: boolean;
	value?: number[];
}

/** Node 0 is the root. */
export interface DecisionTree {
	nodes: TreeNode[];
}

/**
 * A forest or boosted ensemble. Score per output = base + (sum or average over trees of the
 * leaf values reached), then `postTransform`:
 * - random forest (probabilities averaged): aggregate 'average', postTransform 'none';
 * - gradient boosting, multi-class: aggregate 'sum', base = initial log-odds, 'softmax';
 * - gradient boosting, binary: classes of length 2, leaf values [−s, s]/2 or [0, s] with 'softmax'
 *   give the same class probabilities as a sigmoid on s (per-class values are always written).
 * Classification outputs `label` [N] (int64 class index) and `probabilities` [N, classes];
 * regression outputs `y` [N, 1].
 */
export interface TreeEnsemble {
	task: 'classification' | 'regression';
	featureCount: number;
	/** Class count is `classes.length`; the names travel in the sidecar, ONNX returns indices. */
	classes?: string[];
	trees: DecisionTree[];
	aggregate: 'sum' | 'average';
	/** One per class (or one for regression); zeros when absent. */
	baseValues?: number[];
	postTransform: 'none' | 'softmax' | 'logistic';
}

// ---- preprocessing ----------------------------------------------------------------------------

export const SIDECAR_FORMAT = 'kiln-preprocessing';
export const SIDECAR_VERSION = 1;

/** One column of the encoded model input. */
export interface SidecarSlot {
	feature: string;
	kind: 'numeric' | 'categorical';
	/** First model input column this feature fills. */
	offset: number;
	/** Columns it fills (1 for numeric, categories.length for categorical). */
	width: number;
}

/**
 * The fitted preprocessing as a versioned JSON document, readable without Kiln:
 * numeric x → (x − mean) / std, missing → 0; categorical value → one-hot over `categories`
 * (missing → the `fill` category, or all zeros when fill is −1; an unknown value → all zeros).
 */
export interface PreprocessingSidecar {
	format: typeof SIDECAR_FORMAT;
	version: typeof SIDECAR_VERSION;
	features: (
		| { name: string; kind: 'numeric'; mean: number; std: number }
		| { name: string; kind: 'categorical'; categories: string[]; fill: number }
	)[];
	target: { name: string; task: 'classification'; classes: string[] } | { name: string; task: 'regression'; mean: number; std: number };
	inputSize: number;
	layout: SidecarSlot[];
	/** Inputs of the combined ONNX pipeline graph (see exportPipelineOnnx). */
	onnxInputs: { numeric: string | null; categorical: { feature: string; input: string }[] };
}

export interface PipelineOnnxOptions {
	/**
	 * What the model emits for classification: 'logits' (Kiln's MLP and linear exports: Softmax is
	 * added) or 'probabilities' (trees, or a model exported with appendSoftmax).
	 */
	modelOutput?: 'logits' | 'probabilities';
	/** Which model output to use when it has several (default: `probabilities` if present, else the first). */
	outputName?: string;
	/**
	 * Regression: the model predicts the standardised target (true for Kiln's neural and linear
	 * models, the default), so the pipeline multiplies by std and adds the mean.
	 */
	standardisedTarget?: boolean;
	/**
	 * Element type of the `numeric` input. 'double' standardises in float64 exactly as Kiln's
	 * encoding does before rounding to float32, so a tree's split on a value that sits on its
	 * threshold goes the same way (float32 arithmetic can land one ulp off). Default 'float'.
	 */
	numericType?: 'float' | 'double';
}

// ---- runtime and feeds ------------------------------------------------------------------------

/** Inputs for an ONNX session as plain typed arrays (wrap each in `new ort.Tensor(type, data, dims)`). */
export type OnnxFeeds = Record<string, { type: 'float32'; data: Float32Array; dims: number[] } | { type: 'float64'; data: Float64Array; dims: number[] } | { type: 'int64'; data: BigInt64Array; dims: number[] }>;

/**
 * The parts of onnxruntime this library uses. Pass the module the worker imported
 * (`onnxruntime-web/wasm`, or onnxruntime-node in Node), so the library never picks a build.
 */
export interface OrtRuntime {
	InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
	Tensor: typeof Tensor;
}

// ---- quantisation -----------------------------------------------------------------------------

export type TfjsStorageDtype = 'uint8' | 'uint16' | 'float16';

/** A tfjs weight manifest entry, with tfjs's optional storage quantisation. */
export interface QuantizedWeightSpec {
	name: string;
	shape: number[];
	dtype: string;
	quantization?: { dtype: TfjsStorageDtype; scale?: number; min?: number };
}

/** tfjs artifacts whose weight manifest may carry storage quantisation (still loadable by tfjs). */
export interface QuantizedArtifacts {
	modelTopology: object;
	weightSpecs: QuantizedWeightSpec[];
	weightData: ArrayBuffer;
}

export interface OnnxWeightQuantOptions {
	/** Leave tensors with fewer values than this in float (default 32: biases, tiny kernels). */
	minElements?: number;
	/** One scale per output channel (default) or one per tensor. */
	perChannel?: boolean;
}

export interface OnnxStaticQuantOptions extends OnnxWeightQuantOptions {
	/** Ops whose activations and weights are quantised (default Gemm, MatMul, Conv). */
	ops?: string[];
}

// ---- pruning ----------------------------------------------------------------------------------

/** Fine-tuning loop settings shared by both pruning methods (Adam, seeded shuffles). */
export interface FineTuneOptions {
	epochs: number;
	batchSize?: number;
	learningRate?: number;
	seed?: number;
	/** L2 penalty on kernels, as Kiln's training uses (default 0). */
	l2?: number;
	/**
	 * Labels: class indices (classification) or targets [rows × outputs] (regression, MSE).
	 * Default: classification when `y` is an Int32Array.
	 */
	task?: 'classification' | 'regression';
	signal?: AbortSignal;
	/** Called after every epoch. */
	onEpoch?: (record: PruneEpoch) => void;
}

export interface PruneEpoch {
	epoch: number;
	loss: number;
	/** Share of zeros over the pruned kernels after this epoch. */
	sparsity: number;
}

export interface MagnitudePruneOptions extends FineTuneOptions {
	/** Final share of zeros in each pruned kernel, 0 ≤ s < 1 (e.g. 0.8). */
	targetSparsity: number;
	/** Sparsity at `beginStep` (default 0). */
	initialSparsity?: number;
	/** Optimiser step where pruning starts (default 0). */
	beginStep?: number;
	/** Step where the target is reached (default 70% of all steps); fine-tuning continues after it. */
	endStep?: number;
	/** Steps between mask updates (default endStep / 10). */
	frequency?: number;
	/** Which weights to prune (default: every kernel, depthwise/pointwise/recurrent kernel and embedding table). */
	include?: (weight: { name: string; shape: number[] }) => boolean;
}

export interface StructuredPruneOptions extends FineTuneOptions {
	/** Share of units (Dense) or filters (Conv) to remove from each prunable layer, 0 ≤ f < 1. */
	fraction: number;
	/** Per-layer shares by layer name, overriding `fraction`. */
	perLayer?: Record<string, number>;
}

export interface WeightStats {
	/** Weight name in the tfjs manifest (layer/kernel). */
	name: string;
	shape: number[];
	params: number;
	nonZero: number;
	sparsity: number;
}

export interface PruneStats {
	params: number;
	nonZero: number;
	/** Zeros / params over all weights, biases included. */
	sparsity: number;
	weights: WeightStats[];
}

export interface PruneResult {
	model: ModelArtifacts;
	stats: PruneStats;
	history: PruneEpoch[];
	/** Structured pruning: units or filters kept per pruned layer. */
	kept?: Record<string, number[]>;
}

// ---- measurement ------------------------------------------------------------------------------

export interface MeasureOptions {
	/** tfjs variant (quantised manifests allowed); measured on the current tfjs backend. */
	artifacts?: ModelArtifacts;
	/** ONNX variant; measured with `ort` (and `session` when given, else one is created). */
	onnx?: Uint8Array;
	/** Holdout features, row-major, as the model takes them. */
	x: Float32Array;
	/** Class indices (accuracy) or one regression target per row (RMSE). */
	y: Int32Array | Float32Array;
	task?: 'classification' | 'regression';
	/** Multiplies the RMSE (models trained on a standardised target report original units). */
	targetStd?: number;
	/** Shape of one ONNX input row (default [features]); tfjs reads it from the model. */
	rowShape?: number[];
	ort?: OrtRuntime;
	session?: InferenceSession;
	/** Output to score (default `probabilities` when present, else the first). */
	onnxOutput?: string;
	/** Label for the ORT execution provider in the report (default 'wasm'). */
	ortBackend?: string;
	/** Timed runs for batch 1 (default 30; batch 256 uses a third); warm-up runs (default 5). */
	repeats?: number;
	warmup?: number;
}

export interface RuntimeMeasurement {
	runtime: 'tfjs' | 'onnxruntime';
	backend: string;
	/** tfjs: model.json + weights.bin; ONNX: the .onnx file. */
	fileBytes: number;
	/** Same files deflated (fflate, level 9). */
	deflatedBytes: number;
	/** Holdout accuracy or RMSE through this runtime. */
	metric: number;
	/** Median wall time of one prediction including read-back, after warm-up. */
	batch1Ms: number;
	batch256Ms: number;
}

export interface Measurement {
	params: number;
	nonZero: number;
	metricName: 'accuracy' | 'rmse';
	tfjs?: RuntimeMeasurement;
	onnx?: RuntimeMeasurement;
}
