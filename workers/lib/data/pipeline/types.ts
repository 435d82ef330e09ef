import type { ColumnKind, ExpectedColumn, Table, TargetTransform, Task } from '$workers/protocol';

/**
 * A cleaning and encoding pipeline as plain JSON: what a person built in the workbench, stored
 * per dataset version and replayed at prediction. Every field is required so that a stored
 * pipeline means exactly one thing (no defaults that could change between releases).
 */
export const PIPELINE_FORMAT = 'kiln-pipeline';
export const PIPELINE_VERSION = 1;
export const FITTED_FORMAT = 'kiln-fitted-pipeline';
export const FITTED_VERSION = 1;

export interface Pipeline {
	format: typeof PIPELINE_FORMAT;
	version: typeof PIPELINE_VERSION;
	/** Phase 1: table → table, in order. */
	steps: TableStep[];
	/** Phase 2: one entry per model input column, in matrix order. */
	features: FeatureStep[];
}

// ---- phase 1: table steps ---------------------------------------------------------------

export type ImputeStrategy = 'mean' | 'median' | 'mode' | 'constant';
export type ClipBounds = { type: 'fixed'; min: number | null; max: number | null } | { type: 'quantile'; lower: number; upper: number };
/** log1p needs x > −1: 'signed' uses sign(x)·log1p(|x|), 'shift' adds the training minimum's distance from 0, 'missing' blanks x ≤ −1. */
export type LogGuard = 'signed' | 'shift' | 'missing';
export type DatePart = 'year' | 'month' | 'day' | 'weekday' | 'hour';
export type Anonymisation =
	| { type: 'drop' }
	| { type: 'hash'; secret: string }
	| { type: 'range'; width: number }
	| { type: 'month' }
	| { type: 'mask'; keepStart: number; keepEnd: number };

export type TableStep =
	| { kind: 'drop'; columns: string[] }
	| { kind: 'rename'; from: string; to: string }
	| { kind: 'cast'; column: string; to: ColumnKind }
	| { kind: 'filter'; expression: string }
	/** Keep the first of rows equal on `columns` (empty: every column present at fit time). */
	| { kind: 'dedupe'; columns: string[] }
	| { kind: 'impute'; columns: string[]; strategy: ImputeStrategy; value: number | string | null; indicator: boolean }
	| { kind: 'clip'; columns: string[]; bounds: ClipBounds }
	| { kind: 'log'; columns: string[]; guard: LogGuard }
	/** `output` null replaces the column; otherwise a new categorical column of that name. */
	| { kind: 'bin'; column: string; method: 'equal-width' | 'quantile'; bins: number; output: string | null }
	| { kind: 'date-parts'; column: string; parts: DatePart[]; keepSource: boolean }
	| { kind: 'derive'; name: string; expression: string }
	| { kind: 'anonymise'; column: string; method: Anonymisation }
	/** E-mail addresses / phone numbers inside a text column → [EMAIL] / [PHONE]. */
	| { kind: 'mask-pii'; column: string; kinds: ('email' | 'phone')[] };

export type TableStepKind = TableStep['kind'];

// ---- phase 2: feature encodings ----------------------------------------------------------

export type ScaleMethod = 'standard' | 'min-max' | 'robust' | 'none';

export type FeatureStep =
	| { kind: 'scale'; column: string; method: ScaleMethod }
	/** `other`: one extra input for rare and unseen categories; otherwise they encode as all zeros. */
	| { kind: 'one-hot'; column: string; maxCategories: number; other: boolean; missing: 'mode' | 'zeros' }
	/** `order` null: training categories in text order. Missing → the mode's index; unseen → −1. */
	| { kind: 'ordinal'; column: string; order: string[] | null }
	/** scikit-learn's FeatureHasher(alternate_sign=False) bucket: |murmur3_32(value, 0)| mod buckets. */
	| { kind: 'hashing'; column: string; buckets: number }
	/**
	 * Text → TF-IDF weights of the `maxFeatures` most frequent terms (word n-grams up to `ngrams`)
	 * found in at least `minDf` training texts; smooth idf, l2-normalised rows, as scikit-learn.
	 */
	| { kind: 'tfidf'; column: string; maxFeatures: number; minDf: number; ngrams: 1 | 2 | 3; sublinear: boolean; lowercase: boolean; punctuation: 'keep' | 'drop'; numbers: 'keep' | 'normalise' };

export type FeatureStepKind = FeatureStep['kind'];

// ---- fitted ------------------------------------------------------------------------------

/** Params are plain JSON (no NaN/Infinity, no typed arrays) so a fitted pipeline stores as is. */
export type Params = Record<string, unknown>;

export interface FittedTableStep {
	step: TableStep;
	params: Params;
	/** Not replayed on prediction files: it removes rows or needs the target. */
	trainingOnly: boolean;
}

export interface FittedFeature {
	step: FeatureStep;
	params: Params;
	/** Names of the matrix columns it fills (e.g. `island=Biscoe`). */
	names: string[];
	/** How SMOTE treats the block: interpolated, or taken from the neighbours' majority. */
	block: 'continuous' | 'categorical';
}

export interface FittedPipeline {
	format: typeof FITTED_FORMAT;
	version: typeof FITTED_VERSION;
	pipeline: Pipeline;
	steps: FittedTableStep[];
	features: FittedFeature[];
	inputSize: number;
	/** Raw columns a prediction file must hold (any order; extra columns are ignored). */
	inputs: ExpectedColumn[];
	/** Target column (name after the table steps) and its encoding; null when fitted without one. */
	target: TargetTransform | null;
}

export interface TargetSpec {
	/** The target's name in the input table; renames are followed. */
	name: string;
	task: Task;
}

// ---- results -----------------------------------------------------------------------------

export interface StepWarning {
	/** Index into `pipeline.steps`, or −1 for the feature encodings. */
	step: number;
	message: string;
	count: number;
	examples: string[];
}

/** What a table step's transform returns. */
export interface StepOutput {
	table: Table;
	/** For steps that remove rows: the input row of each output row. */
	sourceRows?: Int32Array;
	warnings: Omit<StepWarning, 'step'>[];
}

export interface EncodedMatrix {
	/** Row-major [rows × width]. */
	x: Float32Array;
	width: number;
	/** Cells whose category has no input of its own (too rare or unseen): all zeros, 'other', or −1. */
	unknownCategories: number;
}
