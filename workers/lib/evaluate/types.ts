/**
 * Evaluation reports as plain data: they are computed in a worker, stored with the run in
 * IndexedDB and compared across runs, so every field is a number, string, array or null
 * (null where a metric is undefined, e.g. ROC AUC for a class absent from the holdout).
 */

/** What a classifier produced for the evaluated rows. */
export interface ClassificationInput {
	/** True class index per row; -1 marks a label the model has no output for (left out, counted). */
	truth: Int32Array;
	/** Row-major n × k class probabilities, in `classes` order. */
	probabilities: Float32Array;
	classes: string[];
	/** Optional non-negative weight per row. */
	weights?: Float32Array;
}

export interface RegressionInput {
	truth: ArrayLike<number>;
	predicted: ArrayLike<number>;
	weights?: ArrayLike<number>;
}

export interface ClassScores {
	className: string;
	precision: number;
	recall: number;
	f1: number;
	/** Weighted count of rows truly of this class (the row count when unweighted). */
	support: number;
	/** Weighted count of rows predicted as this class. */
	predicted: number;
}

export interface AverageScores {
	precision: number;
	recall: number;
	f1: number;
}

/** Parallel arrays, downsampled to at most `MAX_CURVE_POINTS`; thresholds fall along the curve. */
export interface RocCurve {
	fpr: number[];
	tpr: number[];
	thresholds: number[];
}
export interface PrCurve {
	recall: number[];
	precision: number[];
	thresholds: number[];
}

export interface OneVsRest {
	className: string;
	/** Weighted share of rows of this class. */
	prevalence: number;
	/** Null when the class has no positive or no negative row. */
	auc: number | null;
	averagePrecision: number | null;
	roc: RocCurve | null;
	pr: PrCurve | null;
	/** Mean of (p_class − [truth = class])². */
	brier: number;
}

export interface CalibrationBin {
	lower: number;
	upper: number;
	meanPredicted: number;
	fractionPositive: number;
	/** Rows in the bin (unweighted). */
	count: number;
}

export interface CalibrationCurve {
	/**
	 * positive-class: binary task, p(classes[1]) against truth = classes[1].
	 * top-label: multiclass, the highest probability against "the argmax was right" (Guo et al. 2017).
	 * one-vs-rest: one class's probability against truth = that class.
	 */
	kind: 'positive-class' | 'top-label' | 'one-vs-rest';
	className: string | null;
	/** Non-empty uniform bins only, as scikit-learn's calibration_curve returns them. */
	bins: CalibrationBin[];
	/** Expected calibration error: Σ_b (weight_b / total) · |fractionPositive_b − meanPredicted_b|. */
	ece: number;
	/** Largest |fractionPositive_b − meanPredicted_b| over the bins. */
	mce: number;
}

export interface ErrorCosts {
	falsePositive: number;
	falseNegative: number;
	truePositive?: number;
	trueNegative?: number;
}

export interface ThresholdPoint {
	/** A row is predicted positive when its score is ≥ threshold. */
	threshold: number;
	tp: number;
	fp: number;
	tn: number;
	fn: number;
	precision: number;
	recall: number;
	falsePositiveRate: number;
	/** Total cost of the evaluated rows at this threshold. */
	cost: number;
	costPerRow: number;
}

export interface ThresholdReport {
	positiveClass: string;
	costs: Required<ErrorCosts>;
	/** Uniform thresholds from 0 to 1, for a slider. */
	points: ThresholdPoint[];
	/** The exact cost minimum over every threshold that changes a prediction. */
	best: ThresholdPoint;
	/** What argmax (threshold 0.5) costs, for comparison. */
	atHalf: ThresholdPoint;
}

export interface ClassificationReport {
	task: 'classification';
	classes: string[];
	/** Rows scored; rows with truth −1 are excluded and counted in excludedRows. */
	rows: number;
	excludedRows: number;
	accuracy: number;
	/** Mean recall over classes that occur in the truth. */
	balancedAccuracy: number;
	perClass: ClassScores[];
	/** Unweighted mean over classes present in the truth or the predictions (scikit-learn's default labels). */
	macro: AverageScores;
	/** Mean weighted by support. */
	weighted: AverageScores;
	/** counts[true][predicted]; normalized divides each row by its total (a row without rows stays 0). */
	confusion: { counts: number[][]; normalized: number[][] };
	oneVsRest: OneVsRest[];
	/** Binary: AUC of classes[1]; multiclass: macro one-vs-rest AUC. */
	auc: number | null;
	aucMacro: number | null;
	/** One-vs-rest AUC weighted by prevalence (scikit-learn average='weighted'). */
	aucWeighted: number | null;
	/** Binary: AP of classes[1]; multiclass: macro AP over classes with a positive row. */
	averagePrecision: number | null;
	/** Cross-entropy with probabilities clipped to [ε, 1−ε], ε = float32 epsilon, then renormalised (scikit-learn 1.2 on float32 input). */
	logLoss: number;
	/**
	 * Binary: scikit-learn's brier_score_loss, mean (p₁ − y₁)², in [0, 1].
	 * Multiclass: Brier's original multi-class score, mean over rows of Σ_c (p_c − y_c)², in [0, 2].
	 */
	brier: number;
	brierDefinition: 'binary' | 'multiclass';
	calibration: CalibrationCurve;
	/** Multiclass: each class's one-vs-rest calibration; empty for a binary task. */
	perClassCalibration: CalibrationCurve[];
	threshold: ThresholdReport | null;
}

export interface Histogram {
	/** bins + 1 edges. */
	edges: number[];
	counts: number[];
}

export interface RegressionPoints {
	/** Row index in the evaluated arrays. */
	indices: number[];
	actual: number[];
	predicted: number[];
	/** actual − predicted. */
	residual: number[];
}

export interface RegressionReport {
	task: 'regression';
	rows: number;
	rmse: number;
	mae: number;
	/** Mean |residual / actual| as a fraction (scikit-learn's convention), over rows whose truth is not 0; null when every truth is 0. */
	mape: number | null;
	/** Rows left out of MAPE because their truth is 0. */
	mapeSkipped: number;
	/** scikit-learn r2_score with force_finite: a constant truth gives 1 when predicted exactly, else 0. */
	r2: number;
	medianAbsoluteError: number;
	maxError: number;
	/** Mean residual: positive means the model predicts too low on average. */
	meanResidual: number;
	/** A seeded sample for residual and predicted-vs-actual plots, always keeping the largest errors. */
	points: RegressionPoints;
	residualHistogram: Histogram;
}

export type EvaluationReport = ClassificationReport | RegressionReport;

/** mean ± std of one scalar over folds. */
export interface FoldStat {
	mean: number;
	/** Population standard deviation (ddof 0, as numpy's default and cross_val_score(...).std()), or the sample one where the caller says so. */
	std: number;
	min: number;
	max: number;
	/** Folds where the metric was defined. */
	folds: number;
}
