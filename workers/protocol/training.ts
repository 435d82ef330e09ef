import type { ColumnKind, Table } from './tables';
import type { BackendName, BackendProbe } from './backends';
import type { ErrorKind } from '$shared/errors';
import type { MlpOptions } from '$shared/mlp-options';
import type { ClassicRunInfo, ClassicSpec, ModelImportances } from './models';
import type { FittedPipeline } from '$workers/lib/data/pipeline';
import type { BalanceMethod, FoldResult, RunDataReport, SplitMethod } from './data';
import type { TextTrainSettings } from './text';
import type { ImageShapeInfo, VisionConfig } from './vision';

/** Training configs, fitted preprocessing, metrics, checkpoints and the job event stream. */

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
	/** Share of the labelled rows kept for the final score only. */
	holdoutFraction: number;
	/**
	 * Share of the remaining rows kept apart for the per-epoch curves and early stopping.
	 * Absent in configs stored before validation existed: those runs used 0 (see withConfigDefaults).
	 */
	validationFraction: number;
	/** Epochs without a lower validation loss before training stops and the best weights return; 0 = off. */
	patience: number;
	/** MLP activation, dropout, batch-norm, optimiser and rate schedule; absent: relu, Adam, constant rate. */
	mlp?: MlpOptions;
	/** Set for a classic family (tree, forest, boosting, kNN, naive Bayes, solver-fitted linear); `model` is then unused. */
	classic?: ClassicSpec;
	/** Absent: a (stratified for classes) holdout, as before splits could be chosen. */
	split?: SplitMethod;
	/** Class balancing of the training rows (classification); absent: none. */
	balance?: BalanceMethod;
	/** Set for a text classifier: it reads this text column (features are ignored); see protocol/text.ts. */
	text?: TextTrainSettings;
	/** Set on image runs (a CNN on an image dataset); tabular fields then hold neutral values. */
	vision?: VisionConfig;
}

/** What the per-epoch curve reports besides the loss. */
export type MetricName = 'accuracy' | 'rmse';
export const metricNameFor = (task: Task): MetricName => (task === 'classification' ? 'accuracy' : 'rmse');

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
	/** Image models: the uint8 image shape they take (features is empty). */
	image?: ImageShapeInfo;
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
	/** Data loss on the training rows, without the L2 penalty, so it compares with valLoss. */
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

export interface TrainResult extends RunDataReport {
	model: ModelArtifacts;
	preprocessing: Preprocessing;
	metrics: Metrics;
	history: EpochRecord[];
	backend: BackendName;
	trainRows: number;
	validationRows: number;
	holdoutRows: number;
	droppedRows: number;
	durationMs: number;
	samplesPerSecond: number;
	/** The epoch whose weights the model holds (the best validation loss when early stopping). */
	bestEpoch: number;
	/** Set when early stopping ended the run before its last epoch. */
	stoppedEarly: boolean;
	/** The model's own per-column importances (classic families that have them). */
	importances?: ModelImportances;
	classicInfo?: ClassicRunInfo;
	/** What `auto` measured to pick `backend` (absent when a backend was chosen by hand). */
	backendProbe?: BackendProbe;
}

/**
 * A run's result when it may have fitted a recorded pipeline: `pipeline` holds the encoding, and
 * `preprocessing` (which share links and exports read) is there only when it is the built-in one.
 */
export type RunResult = Omit<TrainResult, 'preprocessing'> & { preprocessing?: Preprocessing };

/** The best weights so far under early stopping, kept so a resumed run can still return them. */
export interface BestWeights {
	epoch: number;
	valLoss: number;
	/** Weight values in model order, float32. */
	weights: ArrayBuffer;
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
	best?: BestWeights;
	/**
	 * The preprocessing the run was fitted with, so a resume feeds the weights the same inputs
	 * (absent in checkpoints stored before it was kept; see train.ts for how those resume).
	 */
	preprocessing?: Preprocessing;
	/** A run with a recorded pipeline: the pipeline fitted on its training rows. */
	pipeline?: FittedPipeline;
	/** Cross-validation folds finished before the final model started. */
	folds?: FoldResult[];
	/** Adam's running β₁ᵗ and β₂ᵗ (absent for other optimisers and in older checkpoints). */
	adamPowers?: [number, number];
}

/** Progress stream of a long job, tagged by `type` so any UI can render it generically. */
export type JobEvent =
	| { type: 'progress'; fraction: number; epoch: number; epochs: number; batch: number; batches: number }
	| ({ type: 'metric'; metricName: MetricName } & EpochRecord)
	| { type: 'log'; message: string }
	| { type: 'backend'; backend: BackendName; note: string }
	/** A checkpoint after `epoch` was stored (or could not be: `problem` says why). */
	| { type: 'checkpoint'; epoch: number; problem?: string }
	/** Progress of a job that has no epochs (a classic model's fit). */
	| { type: 'stage'; fraction: number; label: string }
	| { type: 'done' }
	| { type: 'error'; name: ErrorKind; message: string };

// ---- prediction ---------------------------------------------------------------------------

export interface PredictResult {
	/** Predicted class label or number, one per row. */
	predictions: string[];
	/** Class probabilities per row (classification only), in `preprocessing.target.classes` order. */
	probabilities?: number[][];
	warnings: string[];
}

