import type { PhysicalKind, SemanticType } from '../import/types';

/** Plain data (structured-cloneable): what the data page draws and the datasets store keeps. */

export interface Quantile {
	p: number;
	value: number;
}

export interface Histogram {
	/** bins + 1 edges; bin i holds values in [edges[i], edges[i+1]) (the last bin is closed). */
	edges: number[];
	counts: number[];
}

export interface NumericSummary {
	min: number;
	max: number;
	mean: number;
	/** Sample standard deviation (n − 1), Welford/Chan over all rows. */
	std: number;
	/** p = 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, linear interpolation as numpy's default. */
	quantiles: Quantile[];
	histogram: Histogram;
	/** Values beyond 1.5 × IQR from the quartiles. */
	outliers: number;
	/** true when quantiles, histogram and outliers come from the row sample (more rows than it holds). */
	approximate: boolean;
}

export interface TopValue {
	value: string;
	count: number;
}

export interface CategorySummary {
	/** The most frequent values, most frequent first (at most 10), exact counts. */
	top: TopValue[];
	/** Non-missing rows outside `top`. */
	otherCount: number;
	/** Length of the values in characters (over distinct values). */
	meanLength: number;
}

export type ProfileWarningKind =
	| 'constant'
	| 'id-like'
	| 'high-missing'
	| 'leakage'
	| 'pii'
	| 'duplicates'
	| 'type-mismatch'
	| 'imbalance';

export type PiiKind = 'email' | 'phone' | 'iban' | 'card' | 'ip' | 'name';

export interface ProfileWarning {
	kind: ProfileWarningKind;
	column?: string;
	message: string;
	pii?: PiiKind;
	/** leakage: the single-feature score (accuracy or R²). */
	score?: number;
}

export interface ColumnSummary {
	name: string;
	semantic: SemanticType;
	physical: PhysicalKind;
	rows: number;
	missing: number;
	distinct: number;
	/** Above 20,000 distinct numbers the count is a HyperLogLog estimate (±1 %). */
	distinctApproximate: boolean;
	/** numeric, integer, boolean (mean = share of true) and datetime (epoch ms) columns. */
	numeric?: NumericSummary;
	/** categorical, text, identifier and boolean columns. */
	categories?: CategorySummary;
	warnings: ProfileWarning[];
}

/** Pearson (numeric) or bias-corrected Cramér's V (categorical); NaN where undefined. */
export interface PairMatrix {
	columns: string[];
	/** Row-major columns.length², symmetric, 1 on the diagonal. */
	values: Float64Array;
	/** Computed on the row sample because the table has more rows than it holds. */
	approximate: boolean;
}

export interface TargetBalance {
	column: string;
	task: 'classification' | 'regression';
	/** Classification: rows per class, most frequent first (the first LISTED_CLASSES of them). */
	classes?: TopValue[];
	/** Classification with more classes than are listed: how many there are, and the rows of the rest. */
	classCount?: number;
	otherRows?: number;
	/** Classification: rows of the largest class / rows of the smallest. */
	imbalanceRatio?: number;
	/** Regression: the target's histogram. */
	histogram?: Histogram;
}

export interface DatasetProfile {
	rowCount: number;
	columns: ColumnSummary[];
	correlation: PairMatrix;
	association: PairMatrix;
	duplicateRows: number;
	target: TargetBalance | null;
	/** Dataset-level warnings plus every column's, in one list for the UI. */
	warnings: ProfileWarning[];
	/** Rows in the uniform row sample (exact statistics when it equals rowCount). */
	sampleRows: number;
}
