/** Drift between the rows a model was trained on and a file of new rows it predicted. */

/** Population stability index bands (the usual rule of thumb): < 0.1 stable, < 0.25 moderate, else major. */
export type DriftLevel = 'stable' | 'moderate' | 'major';

/** One bin of a column's distribution: its share of the training rows and of the new rows. */
export interface DriftBin {
	label: string;
	reference: number;
	current: number;
}

export interface ColumnDrift {
	name: string;
	kind: 'numeric' | 'categorical';
	/** Population stability index over `bins` (shares floored at 1e-4). */
	psi: number;
	/** Stable unless the index is beyond both its band and `chance`. */
	level: DriftLevel;
	/** Small files: the index 95 % of same-size samples of the training rows stay under (seeded). */
	chance?: number;
	/** Training deciles for numbers (values past either end fall in the end bins), categories by training frequency; a missing bin when either side has missing cells. */
	bins: DriftBin[];
	/** Two-sample Kolmogorov–Smirnov test on the present values (numbers only). */
	ks?: { statistic: number; pValue: number };
	/** Missing cells' share on each side. */
	missing: { reference: number; current: number };
	/** A few words per side: mean and spread, or the most common category. */
	summary: { reference: string; current: string };
	/** Categories of the new rows never seen in training, most frequent first (at most 5). */
	unseen?: { value: string; count: number }[];
	/** How many distinct categories training never saw (unseen lists at most 5). */
	unseenKinds?: number;
}

export interface DriftReport {
	/** The rows compared against: the model's training rows (not its validation or holdout rows). */
	referenceRows: number;
	currentRows: number;
	/** Every input column, most shifted first. */
	columns: ColumnDrift[];
	/** The new rows' predictions against the training rows' labels (prior shift), when it could be read. */
	predictions: ColumnDrift | null;
	notes: string[];
}

/** A file's drift check: the report, or why there is none (e.g. the training data was deleted). */
export type FileDrift = { report: DriftReport } | { unavailable: string };
