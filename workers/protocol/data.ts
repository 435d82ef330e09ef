import type { CsvPlan, DateOrder, FormatInfo, ImportWarning, PhysicalKind, SemanticType } from '$workers/lib/data/import/types';
import type { FittedPipeline, PreviewFeature, PreviewStage } from '$workers/lib/data/pipeline';
import type { ColumnKind } from './tables';
import type { Metrics } from './training';
import type { FoldStat } from '$workers/lib/evaluate/types';

/** The data workbench's contract: import choices and previews, pipeline previews, splits and balance. */

/** What the person set in the import options; anything absent is detected. */
export interface ImportChoices {
	delimiter?: string;
	header?: boolean;
	/** A TextDecoder label, e.g. 'windows-1252'. */
	encoding?: string;
	/** Missing-value tokens (replaces the defaults, so "None" can stay a value). */
	missing?: string[];
	/** Type per column name, overriding inference. */
	types?: Record<string, SemanticType>;
	dateOrder?: DateOrder;
}

export interface PreviewColumn {
	name: string;
	semantic: SemanticType;
	physical: PhysicalKind;
}

/** The first rows of a file as the importer reads them, before anything is stored. */
export interface ImportPreview {
	fileName: string;
	format: FormatInfo;
	columns: PreviewColumn[];
	/** The first rows as text (empty = missing), for showing. */
	rows: string[][];
	/** Rows read for the preview (all of them when `complete`). */
	rowsRead: number;
	complete: boolean;
	warnings: ImportWarning[];
	/** The missing-value tokens in effect. */
	missing: string[];
	/** Rows and stored bytes the whole file should come to, estimated from the preview. */
	estimatedRows: number;
	estimatedBytes: number;
	/** A CSV's column plan, handed back with the import so it does not infer the same rows again. */
	plan?: CsvPlan;
}

/** A column a model reads from a prediction file, with the type it was imported as. */
export interface InputColumn {
	name: string;
	kind: ColumnKind;
	semantic?: SemanticType;
	dateOrder?: DateOrder;
}

/** A pipeline run on a sample of a stored dataset, for the editor's live preview. */
export interface PipelinePreviewResult {
	sampleRows: number;
	stages: PreviewStage[];
	features: PreviewFeature[];
	/** Columns after the table steps. */
	columns: { name: string; kind: ColumnKind }[];
	/** The first rows after the table steps, as text. */
	rows: string[][];
	/** Model inputs the encodings make. */
	width: number;
	names: string[];
}

// ---- splits and balance -------------------------------------------------------------------

/**
 * How a run's rows are split. Every method keeps a holdout scored once at the end; k-fold
 * methods add cross-validation over the other rows (a model per fold) before the final model.
 */
export type SplitMethod =
	| { kind: 'holdout'; stratify: boolean }
	| { kind: 'kfold'; folds: number; stratify: boolean }
	| { kind: 'group-kfold'; folds: number; column: string }
	| { kind: 'time'; column: string };

export type BalanceMethod = 'none' | 'class-weights' | 'oversample' | 'undersample' | 'smote';

export interface FoldResult {
	fold: number;
	trainRows: number;
	validationRows: number;
	/** Scored on the fold's own validation rows with the fold's model. */
	metrics: Metrics;
	bestEpoch: number;
	/** Every scalar figure of the evaluation suite on the fold's own held-out rows (keys as evaluate's scalarMetrics). */
	figures?: Record<string, number | null>;
	/** The fold model's data loss and curve metric on those rows (as a run's valLoss / valMetric). */
	valLoss?: number;
	valMetric?: number;
}

export interface CrossValidation {
	folds: FoldResult[];
	/** Mean and (sample) standard deviation over the folds of each headline metric. */
	summary: { name: string; mean: number; std: number }[];
	/** Mean ± sample std over the folds of every figure in `figures` (runs trained before it existed have none). */
	figures?: Record<string, FoldStat>;
}

/** Holdout rows whose feature cells all equal a training row's. */
export interface LeakageSummary {
	holdoutRows: number;
	trainRows: number;
	examples: { holdoutRow: number; trainRow: number }[];
}

export interface BalanceSummary {
	method: Exclude<BalanceMethod, 'none'>;
	classes: string[];
	/** Training rows per class before and after (class weights leave the rows as they are). */
	before: number[];
	after: number[];
	weights?: number[];
}

/** What a run learned about its data besides the model (stored with the run). */
export interface RunDataReport {
	pipeline?: FittedPipeline;
	crossValidation?: CrossValidation;
	leakage?: LeakageSummary;
	balance?: BalanceSummary;
	notes?: string[];
	/** The raw columns a prediction file must hold, with the types the dataset had (kept with the model). */
	inputs?: InputColumn[];
	/** The dataset's missing-value tokens (kept with the model). */
	missing?: string[];
}
