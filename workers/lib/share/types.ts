import type { SharePipeline, TreesDescription } from './kinds';
import type { LazyDescription } from './kinds-lazy';
export type * from './kinds-lazy';
export type * from './kinds';
import type { EpochRecord, ImageDatasetMeta, Metrics, ModelArtifacts, Preprocessing, Task, TrainConfig } from '$workers/protocol';
import type { ColumnKind, ColumnProfile } from '$workers/protocol';
import type { MediaFront } from './media-types';

// ---- the compact model the minimal runtime runs ---------------------------------------------

export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'elu' | 'leakyRelu' | 'gelu';

/**
 * A weight tensor: float32, float16 (values held as float32 numbers, each exactly a float16; a
 * link stores their 2-byte halves) or int8 with one float scale per output channel (value = q · scale).
 */
export type WeightTensor = { dtype: 'float32'; values: Float32Array } | { dtype: 'float16'; values: Float32Array } | { dtype: 'int8'; values: Int8Array; scales: Float32Array };

/** `kernel` is [inputs × units], row-major, as tfjs stores a Dense kernel. */
export interface DenseSpec {
	type: 'dense';
	inputs: number;
	units: number;
	kernel: WeightTensor;
	bias?: Float32Array;
	activation: Activation;
	/** Slope (leakyRelu) or scale (elu); tfjs's defaults when absent. */
	alpha?: number;
}

/** Inference-mode batch normalisation: gamma · (x − mean) / √(variance + epsilon) + beta. */
export interface BatchNormSpec {
	type: 'batchnorm';
	units: number;
	gamma?: Float32Array;
	beta?: Float32Array;
	mean: Float32Array;
	variance: Float32Array;
	epsilon: number;
}

export interface ActivationSpec {
	type: 'activation';
	units: number;
	activation: Activation;
	alpha?: number;
}

export type LayerSpec = DenseSpec | BatchNormSpec | ActivationSpec;

export interface ModelDescription {
	/** 'layers' when absent (format-1 links have no kind). */
	kind?: 'layers';
	inputSize: number;
	outputSize: number;
	layers: LayerSpec[];
}

/**
 * A model description as JSON-safe text, for embedding in a page: every tensor is the base64 of
 * its little-endian bytes (float32, or int8 plus float32 scales).
 */
export type PortableTensor = { dtype: 'float32'; values: string } | { dtype: 'int8'; values: string; scales: string };
export type PortableLayer =
	| (Omit<DenseSpec, 'kernel' | 'bias'> & { kernel: PortableTensor; bias?: string })
	| (Omit<BatchNormSpec, 'gamma' | 'beta' | 'mean' | 'variance'> & { gamma?: string; beta?: string; mean: string; variance: string })
	| ActivationSpec;
export interface PortableModel {
	inputSize: number;
	outputSize: number;
	layers: PortableLayer[];
}

/** One prediction from a raw row, as the demo page and the share link show it. */
export interface RowPrediction {
	/** Class label, or the predicted number as text for regression. */
	label: string;
	/** Class probabilities in `preprocessing.target.classes` order (classification only). */
	probabilities?: number[];
	/** Predicted value in original units (regression only). */
	value?: number;
	/** Cells the model could not use as given (unknown category, missing value filled). */
	warnings: string[];
}

// ---- share links and standalone pages -------------------------------------------------------

export interface DemoConfig {
	title: string;
	description: string;
	/** A few raw rows (feature name → cell text) the demo can fill the form with. */
	examples: Record<string, string>[];
	/** Display names for the classes, in class order; the class values are shown when absent. */
	labelNames?: string[];
}

export interface SharePayload {
	formatVersion: number;
	model: ModelDescription | TreesDescription | LazyDescription;
	/** The target, and the encoding when there is no pipeline; with one, the raw form fields only. */
	preprocessing: Preprocessing;
	demo: DemoConfig;
	/** The fitted Prepare pipeline a raw row goes through before the model (format 2). */
	pipeline?: SharePipeline;
	/** Image and text models (format 2): what turns an image or a text into the head's input; `model` is then the dense head. */
	media?: MediaFront;
}

export type ShareFit = 'fits' | 'long' | 'too-large';

export interface ShareLinkSize {
	/** Characters of the encoded fragment (without '#'). */
	chars: number;
	fit: ShareFit;
	softLimit: number;
	hardLimit: number;
	/** What to tell the person; offers the standalone file when the link is too long. */
	message: string;
	suggestStandalone: boolean;
}

// ---- project bundles ------------------------------------------------------------------------
// Plain data close to the IndexedDB records (src/lib/db/schema.ts), so the app maps them 1:1.

export interface BundleProject {
	id: string;
	name: string;
	createdAt: number;
	updatedAt: number;
	datasetId?: string;
	target?: string;
	task?: Task;
	lastConfig?: TrainConfig;
}

export interface BundleColumn {
	name: string;
	kind: ColumnKind;
	categories?: string[];
}

/** One slice of rows, one buffer per column: Float64 values (numeric) or Int32 codes (categorical). */
export interface BundleChunk {
	index: number;
	rowCount: number;
	columns: ArrayBuffer[];
}

export interface BundleDataset {
	id: string;
	projectId: string;
	name: string;
	fileName: string;
	source: 'upload' | 'demo';
	rowCount: number;
	columns: BundleColumn[];
	profile: ColumnProfile[];
	chunkRows: number;
	chunkCount: number;
	bytes: number;
	createdAt: number;
	/** Image datasets (format 2): shape, classes, counts; chunks then hold [pixels, labels]. */
	images?: ImageDatasetMeta;
	/** The rows themselves; absent when the bundle carries only the dataset's description. */
	chunks?: BundleChunk[];
}

export type BundleRunStatus = 'running' | 'done' | 'cancelled' | 'failed' | 'interrupted';

export interface BundleRun {
	id: string;
	projectId: string;
	datasetId: string;
	config: TrainConfig;
	status: BundleRunStatus;
	createdAt: number;
	finishedAt?: number;
	history: EpochRecord[];
	metrics?: Metrics;
	error?: string;
	backend?: string;
	durationMs?: number;
	samplesPerSecond?: number;
	modelId?: string;
	/** Markdown model card written with the run, if any. */
	modelCard?: string;
}

export interface BundleModel {
	id: string;
	runId: string;
	projectId: string;
	createdAt: number;
	artifacts: ModelArtifacts;
	preprocessing: Preprocessing;
}

export interface BundleData {
	project: BundleProject;
	datasets: BundleDataset[];
	runs: BundleRun[];
	models: BundleModel[];
}

export interface BundleManifest {
	format: 'kiln-project-bundle';
	formatVersion: number;
	kilnVersion: string;
	createdAt: number;
	datasets: number;
	runs: number;
	models: number;
	includesRows: boolean;
}

export interface ReadBundle extends BundleData {
	manifest: BundleManifest;
	/** Upgrades applied to reach the current format, e.g. ["1 → 2"]; empty when already current. */
	upgraded: string[];
}

// ---- model cards ----------------------------------------------------------------------------

/** What the person fills in; every field may be left empty and shows as "not stated". */
export interface IntendedUse {
	primaryUses?: string;
	users?: string;
	outOfScope?: string;
	owner?: string;
	contact?: string;
}

/** Sections the Trust work fills later; each is optional. */
export interface FairnessSection {
	sensitiveAttribute: string;
	/** Metric name → value per group, e.g. { accuracy: { female: 0.91, male: 0.93 } }. */
	byGroup: Record<string, Record<string, number>>;
	/** Key figures shown before the table, e.g. ['Demographic-parity difference', '0.12']. */
	facts?: [string, string][];
	/** Further group tables, one row per group: the other sensitive columns and their intersection. */
	tables?: FairnessGroupTable[];
	notes?: string;
}
export interface FairnessGroupTable {
	/** e.g. "race" or "gender × race". */
	attribute: string;
	metrics: string[];
	rows: { group: string; values: number[]; /** Left out of the disparities (too few rows). */ small?: boolean }[];
}
export interface RobustnessSection {
	/** e.g. [{ perturbation: 'gaussian noise σ=0.1', metric: 'accuracy', value: 0.88 }] */
	results: { perturbation: string; metric: string; value: number }[];
	facts?: [string, string][];
	notes?: string;
}
export interface PrivacySection {
	epsilon: number;
	delta: number;
	mechanism?: string;
	/** DP-SGD: per-example gradients clipped to this L2 norm. */
	clipNorm?: number;
	/** DP-SGD: Gaussian noise of noiseMultiplier × clipNorm per batch. */
	noiseMultiplier?: number;
	facts?: [string, string][];
	notes?: string;
}

/** What Predict's drift checks found on files of new rows (share/card-monitoring.ts). */
export interface MonitoringSection {
	checks: number;
	first: number;
	latest: { at: number; fileName: string; rows: number; referenceRows: number; columns: number; shifted: { name: string; psi: number; level: string }[] };
	/** The latest checks, oldest first. */
	recent: { at: number; fileName: string; rows: number; shifted: number; largest: number }[];
}

export interface ModelCardInput {
	modelName?: string;
	projectName?: string;
	dataset: { name: string; rows: number; columns: number; fileName?: string };
	run: {
		id: string;
		config: TrainConfig;
		createdAt: number;
		backend?: string;
		durationMs?: number;
		history: EpochRecord[];
		metrics?: Metrics;
		trainRows?: number;
		validationRows?: number;
		holdoutRows?: number;
	};
	preprocessing?: Preprocessing;
	/** Written by Kiln when absent; a person may replace it. */
	limitations?: string;
	intendedUse?: IntendedUse;
	fairness?: FairnessSection;
	robustness?: RobustnessSection;
	privacy?: PrivacySection;
	/** Drift checks of new rows against the training rows; absent: none was made. */
	monitoring?: MonitoringSection;
	/** ISO date shown on the card; the run's date when absent. */
	date?: string;
}

export interface ModelCard {
	markdown: string;
	html: string;
}
