import type { ClassificationReport, RegressionReport, RunEvaluation, ThresholdPoint } from '$workers/protocol';
import type { FoldStat } from '$workers/lib/evaluate/types';

/** One headline figure of a run beside what knowing nothing scores, and another run to compare. */
export interface Tile {
	key: string;
	label: string;
	value: number | null;
	/** The first baseline's value and the others', labelled. */
	baselines: { label: string; value: number | null }[];
	compare?: number | null;
	higherIsBetter: boolean;
	/** Shown as a percentage. */
	percent?: boolean;
	help: string;
	/** A k-fold run: the figure's mean ± std over the folds' models, each on its own held-out fold. */
	folds?: FoldStat;
}

/** A tile's key as the fold figures name it (evaluate's scalarMetrics keys). */
const FOLD_KEYS: Record<string, string> = { macroF1: 'macro.f1', weightedF1: 'weighted.f1' };

type Pick<R> = (r: R) => number | null;
const CLASSIFICATION: { key: string; label: string; pick: Pick<ClassificationReport>; higher: boolean; help: string }[] = [
	{ key: 'accuracy', label: 'Accuracy', pick: (r) => r.accuracy, higher: true, help: 'Share of holdout rows predicted right.' },
	{ key: 'balancedAccuracy', label: 'Balanced accuracy', pick: (r) => r.balancedAccuracy, higher: true, help: 'Mean recall over the classes: a rare class counts as much as a common one.' },
	{ key: 'macroF1', label: 'Macro-F1', pick: (r) => r.macro.f1, higher: true, help: 'F1 averaged over classes, each class equal.' },
	{ key: 'weightedF1', label: 'Weighted F1', pick: (r) => r.weighted.f1, higher: true, help: 'F1 averaged over classes, weighted by their rows.' },
	{ key: 'auc', label: 'ROC AUC', pick: (r) => r.auc, higher: true, help: 'Chance a random positive row scores above a random negative one (one-vs-rest, averaged over classes).' },
	{ key: 'averagePrecision', label: 'Average precision', pick: (r) => r.averagePrecision, higher: true, help: 'Area under the precision–recall curve (one-vs-rest, averaged).' },
	{ key: 'logLoss', label: 'Log loss', pick: (r) => r.logLoss, higher: false, help: 'Cross-entropy of the predicted probabilities: punishes confident mistakes.' },
	{ key: 'brier', label: 'Brier score', pick: (r) => r.brier, higher: false, help: 'Mean squared error of the probabilities; 0 is perfect.' }
];
const REGRESSION: { key: string; label: string; pick: Pick<RegressionReport>; higher: boolean; percent?: boolean; help: string }[] = [
	{ key: 'rmse', label: 'RMSE', pick: (r) => r.rmse, higher: false, help: 'Root mean squared error, in the target’s units.' },
	{ key: 'mae', label: 'MAE', pick: (r) => r.mae, higher: false, help: 'Mean absolute error, in the target’s units.' },
	{ key: 'mape', label: 'MAPE', pick: (r) => r.mape, higher: false, percent: true, help: 'Mean absolute error as a share of the true value (rows whose truth is 0 left out).' },
	{ key: 'r2', label: 'R²', pick: (r) => r.r2, higher: true, help: 'Share of the target’s variance explained; 0 is the mean, 1 perfect.' },
	{ key: 'medianAbsoluteError', label: 'Median abs. error', pick: (r) => r.medianAbsoluteError, higher: false, help: 'Half the rows are off by less than this.' },
	{ key: 'meanResidual', label: 'Mean residual', pick: (r) => r.meanResidual, higher: false, help: 'Actual minus predicted on average: above 0 the model predicts too low.' }
];

export const BASELINE_NAMES: Record<string, string> = { majority: 'majority class', stratified: 'random by class share', mean: 'the mean', median: 'the median' };

export function tilesFor(evaluation: RunEvaluation, compare?: RunEvaluation | null, folds?: Record<string, FoldStat>): Tile[] {
	const other = compare && compare.report.task === evaluation.report.task ? compare : null;
	const specs = evaluation.report.task === 'classification' ? CLASSIFICATION : REGRESSION;
	return specs.map((spec) => {
		const pick = spec.pick as (r: RunEvaluation['report']) => number | null;
		const stat = folds?.[FOLD_KEYS[spec.key] ?? spec.key];
		return {
			...(stat ? { folds: stat } : {}),
			key: spec.key,
			label: spec.label,
			value: pick(evaluation.report),
			baselines: evaluation.baselines.map((b) => ({ label: BASELINE_NAMES[b.strategy] ?? b.strategy, value: pick(b.report) })),
			...(other ? { compare: pick(other.report) } : {}),
			higherIsBetter: spec.higher,
			percent: 'percent' in spec ? spec.percent : undefined,
			help: spec.help
		};
	});
}

/** Whether the model beats the first baseline on this tile (null when either is undefined). */
export function beatsBaseline(tile: Tile): boolean | null {
	const base = tile.baselines[0]?.value;
	if (tile.value === null || base === null || base === undefined) return null;
	if (tile.key === 'meanResidual') return Math.abs(tile.value) <= Math.abs(base);
	return tile.higherIsBetter ? tile.value > base : tile.value < base;
}

export interface ThresholdCosts {
	falsePositive: number;
	falseNegative: number;
}

/** What the errors at a threshold cost with the person's own prices. */
export function costAt(point: ThresholdPoint, costs: ThresholdCosts): { falsePositives: number; falseNegatives: number; total: number; perRow: number } {
	const falsePositives = point.fp * costs.falsePositive;
	const falseNegatives = point.fn * costs.falseNegative;
	const rows = point.tp + point.fp + point.tn + point.fn;
	return { falsePositives, falseNegatives, total: falsePositives + falseNegatives, perRow: rows > 0 ? (falsePositives + falseNegatives) / rows : 0 };
}

/** The cheapest threshold of the sweep; among equal costs the one nearest 0.5. */
export function cheapestPoint(points: ThresholdPoint[], costs: ThresholdCosts): ThresholdPoint {
	let best = points[0];
	for (const p of points) {
		const [c, b] = [costAt(p, costs).total, costAt(best, costs).total];
		if (c < b - 1e-12 || (Math.abs(c - b) <= 1e-12 && Math.abs(p.threshold - 0.5) < Math.abs(best.threshold - 0.5))) best = p;
	}
	return best;
}
