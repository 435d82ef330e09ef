import type { EvaluationReport, ThresholdReport } from '../lib/evaluate/types';
import type { PermutationImportance } from '../lib/evaluate/permutation';
import type { PartialDependence } from '../lib/evaluate/partial-dependence';
import type { SliceMetrics } from '../lib/evaluate/slices';
import type { TrainConfig } from './training';
import type { TextEvaluationExtras } from './text';

/** The evaluation suite of one run, computed on its holdout rows in a worker and stored with it. */

export type { EvaluationReport, ClassificationReport, RegressionReport, ThresholdPoint, ThresholdReport, ErrorCosts, CalibrationCurve, OneVsRest } from '../lib/evaluate/types';
export type { PermutationImportance, ColumnImportance } from '../lib/evaluate/permutation';
export type { PartialDependence } from '../lib/evaluate/partial-dependence';
export type { SliceMetrics } from '../lib/evaluate/slices';

export interface EvaluateRequest {
	runId: string;
	datasetId: string;
	modelId: string;
	config: TrainConfig;
}

export interface BaselineResult {
	/** majority / stratified (classification), mean / median (regression). */
	strategy: string;
	report: EvaluationReport;
	/** Regression: the constant every row is predicted as. */
	prediction?: number;
}

/** The evaluated rows split by one column: its slices and the figures within each. */
export interface SliceSet {
	column: string;
	kind: 'numeric' | 'categorical';
	labels: string[];
	metrics: SliceMetrics[];
}

/** One of the worst-predicted holdout rows, with its cells for reading and its slice per column. */
export interface WorstRow {
	/** 1-based position of the row in the dataset. */
	row: number;
	truth: string;
	predicted: string;
	/** Cross-entropy of the true class, or |actual − predicted|. */
	loss: number;
	/** Classification: probability the model gave the true class. */
	probabilityOfTruth?: number;
	/** The row's cells in `RunEvaluation.worstColumns` order, as text ('' when missing). */
	values: string[];
	/** Slice index of this row in each of `RunEvaluation.slices`. */
	slices: number[];
}

export interface RunEvaluation {
	version: 1;
	runId: string;
	computedAt: number;
	durationMs: number;
	/** Holdout rows evaluated (rows of a class the model never saw are counted in the report). */
	rows: number;
	report: EvaluationReport;
	baselines: BaselineResult[];
	/** Permutation importance per original column (null with a single column). */
	importance: PermutationImportance | null;
	/** Binary tasks: the threshold sweep with each class as the positive one (classes order). */
	thresholds?: ThresholdReport[];
	/** Partial dependence of the most important columns. */
	dependence: PartialDependence[];
	slices: SliceSet[];
	worst: WorstRow[];
	worstColumns: string[];
	/** What a number in `worst` and the plots is measured in (the target's name). */
	target: string;
	/** Text classification runs: top words per class and the most confident mistakes. */
	text?: TextEvaluationExtras;
}

export interface EvaluationProgress {
	fraction: number;
	label: string;
}

/** Why a single prediction came out as it did: signed contributions per original column. */
export interface RowExplanation {
	/** exact-additive: a classic model's own decomposition (tree paths, coefficients); gap and steps are 0. */
	method: 'integrated-gradients' | 'exact-additive';
	/** The explained output: a class label (its probability), or the regression target. */
	explained: string;
	/** Model output for this row and for the reference row (numbers at their training mean, no category). */
	output: number;
	reference: number;
	columns: { name: string; value: string; contribution: number }[];
	/** Σ contributions − (output − reference); near 0 when the integral converged. */
	gap: number;
	steps: number;
}
