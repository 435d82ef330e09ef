/**
 * The typed contract between the page and the workers. Everything here is plain data that
 * survives structured cloning; typed arrays travel as transferred buffers.
 */
export type { ErrorKind } from './lib/errors';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
/** Every backend, in the order settings lists them. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
/**
 * The order 'auto' tries. Kiln's models are small dense nets on tabular data, where per-op
 * dispatch dominates: measured here, WASM trained ~5× faster than WebGL and ~12× faster than
 * WebGPU (docs/decisions.md). GPU backends come first once models are large enough to gain.
 */
export const AUTO_ORDER: readonly BackendName[] = ['wasm', 'webgl', 'webgpu', 'cpu'];
export type BackendChoice = BackendName | 'auto';

// ---- tables -------------------------------------------------------------------------------

/** Numbers as float64; NaN marks a missing cell. */
export interface NumericColumn {
	name: string;
	kind: 'numeric';
	values: Float64Array;
}
/** Dictionary-encoded strings; code -1 marks a missing cell. */
export interface CategoricalColumn {
	name: string;
	kind: 'categorical';
	categories: string[];
	codes: Int32Array;
}
export type Column = NumericColumn | CategoricalColumn;
export type ColumnKind = Column['kind'];

export interface Table {
	rowCount: number;
	columns: Column[];
}

export interface ColumnProfile {
	name: string;
	kind: ColumnKind;
	missing: number;
	distinct: number;
	min?: number;
	max?: number;
	mean?: number;
	top?: { value: string; count: number }[];
}

export interface ParsedCsv {
	fileName: string;
	table: Table;
	profile: ColumnProfile[];
	/** Delimiter papaparse detected, shown so a person can tell a mis-split file. */
	delimiter: string;
}

/** What a prediction file must contain: the model's feature columns and their kinds. */
export interface ExpectedColumn {
	name: string;
	kind: ColumnKind;
}

// ---- training -----------------------------------------------------------------------------

export type Task = 'classification' | 'regression';
export type ModelKind = 'linear' | 'mlp';

export interface TrainConfig {
	target: string;
	task: Task;
	features: string[];
	model: ModelKind;
	/** Hidden layer widths; ignored for the linear model. */
	hiddenLayers: number[];
	epochs: number;
	learningRate: number;
	/** L2 penalty on layer kernels; keeps small tabular sets from being memorised. */
	l2: number;
	batchSize: number;
	seed: number;
	holdoutFraction: number;
}

export type FeatureTransform =
	| { name: string; kind: 'numeric'; mean: number; std: number }
	| { name: string; kind: 'categorical'; categories: string[]; fill: number };

export type TargetTransform =
	| { name: string; task: 'classification'; classes: string[] }
	| { name: string; task: 'regression'; mean: number; std: number };

/** Everything needed to turn raw rows into model inputs exactly as training did. */
export interface Preprocessing {
	features: FeatureTransform[];
	target: TargetTransform;
	inputSize: number;
}

export interface ClassificationMetrics {
	task: 'classification';
	accuracy: number;
	macroF1: number;
	classes: string[];
	/** confusion[trueClass][predictedClass] */
	confusion: number[][];
	support: number;
}
export interface RegressionMetrics {
	task: 'regression';
	rmse: number;
	mae: number;
	r2: number;
	support: number;
}
export type Metrics = ClassificationMetrics | RegressionMetrics;

export interface EpochRecord {
	epoch: number;
	trainLoss: number;
	valLoss: number;
	/** Accuracy for classification, RMSE (original units) for regression. */
	valMetric: number;
}

/** tfjs layers model as plain data (topology JSON + weight manifest + one weight buffer). */
export interface ModelArtifacts {
	modelTopology: object;
	weightSpecs: { name: string; shape: number[]; dtype: string }[];
	weightData: ArrayBuffer;
}

export interface TrainResult {
	model: ModelArtifacts;
	preprocessing: Preprocessing;
	metrics: Metrics;
	history: EpochRecord[];
	backend: BackendName;
	trainRows: number;
	holdoutRows: number;
	droppedRows: number;
	durationMs: number;
	samplesPerSecond: number;
}

/**
 * Training state after `epoch` completed epochs: enough to continue the run where it stopped
 * (weights, Adam moments and step count, history). The split and shuffles are replayed from the
 * seed, so they need no saving.
 */
export interface TrainCheckpoint {
	epoch: number;
	model: ModelArtifacts;
	optimizer: { specs: { name: string; shape: number[]; dtype: string }[]; data: ArrayBuffer };
	history: EpochRecord[];
	trainingMs: number;
}

/** Progress stream of a long job, tagged by `type` so any UI can render it generically. */
export type JobEvent =
	| { type: 'progress'; fraction: number; epoch: number; epochs: number; batch: number; batches: number }
	| ({ type: 'metric'; metricName: string } & EpochRecord)
	| { type: 'log'; message: string }
	| { type: 'checkpoint'; checkpoint: TrainCheckpoint }
	| { type: 'done' }
	| { type: 'error'; name: string; message: string };

// ---- prediction ---------------------------------------------------------------------------

export interface PredictResult {
	/** Predicted class label or number, one per row. */
	predictions: string[];
	/** Class probabilities per row (classification only), in `preprocessing.target.classes` order. */
	probabilities?: number[][];
	warnings: string[];
}

// ---- backends -----------------------------------------------------------------------------

export interface BackendReport {
	name: BackendName;
	available: boolean;
	/** Why it is unavailable, or what tfjs fell back to. */
	detail: string;
	/** Measured 256×256 float32 matmul throughput. */
	gflops?: number;
}

export interface ActiveBackend {
	backend: BackendName;
	/** Set when the chosen backend did not work and another was used. */
	note: string;
}

export interface EnvironmentReport {
	backends: BackendReport[];
	wasmSimd: boolean;
	wasmThreads: boolean;
	crossOriginIsolated: boolean;
	hardwareConcurrency: number;
}

// ---- worker APIs (the page imports these as types only) ------------------------------------

export interface DataWorkerApi {
	parseCsv(file: ArrayBuffer, fileName: string, expected?: ExpectedColumn[], onProgress?: (fraction: number) => void): Promise<ParsedCsv>;
}

export interface MlWorkerApi {
	useBackend(choice: BackendChoice): Promise<ActiveBackend>;
	train(table: Table, config: TrainConfig, onEvent: (event: JobEvent) => void, resume?: TrainCheckpoint): Promise<TrainResult>;
	predict(model: ModelArtifacts, preprocessing: Preprocessing, table: Table): Promise<PredictResult>;
	probe(): Promise<EnvironmentReport>;
}
