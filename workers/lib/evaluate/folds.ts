import { KilnError } from '$shared/errors';
import type { ClassificationReport, EvaluationReport, FoldStat } from './types';

/**
 * Every scalar figure of a report under a flat key ("accuracy", "macro.f1",
 * "perClass.<class>.recall", "oneVsRest.<class>.auc", ...); null where undefined in this fold.
 */
export function scalarMetrics(report: EvaluationReport): Record<string, number | null> {
	if (report.task === 'regression') {
		const { rows, rmse, mae, mape, r2, medianAbsoluteError, maxError, meanResidual } = report;
		return { rows, rmse, mae, mape, r2, medianAbsoluteError, maxError, meanResidual };
	}
	const out: Record<string, number | null> = {
		rows: report.rows,
		accuracy: report.accuracy,
		balancedAccuracy: report.balancedAccuracy,
		'macro.precision': report.macro.precision,
		'macro.recall': report.macro.recall,
		'macro.f1': report.macro.f1,
		'weighted.precision': report.weighted.precision,
		'weighted.recall': report.weighted.recall,
		'weighted.f1': report.weighted.f1,
		auc: report.auc,
		aucMacro: report.aucMacro,
		aucWeighted: report.aucWeighted,
		averagePrecision: report.averagePrecision,
		logLoss: report.logLoss,
		brier: report.brier,
		'calibration.ece': report.calibration.ece,
		'calibration.mce': report.calibration.mce
	};
	for (const s of report.perClass) {
		out[`perClass.${s.className}.precision`] = s.precision;
		out[`perClass.${s.className}.recall`] = s.recall;
		out[`perClass.${s.className}.f1`] = s.f1;
		out[`perClass.${s.className}.support`] = s.support;
	}
	for (const o of report.oneVsRest) {
		out[`oneVsRest.${o.className}.auc`] = o.auc;
		out[`oneVsRest.${o.className}.averagePrecision`] = o.averagePrecision;
		out[`oneVsRest.${o.className}.brier`] = o.brier;
	}
	if (report.threshold) {
		out['threshold.best.threshold'] = report.threshold.best.threshold;
		out['threshold.best.costPerRow'] = report.threshold.best.costPerRow;
	}
	return out;
}

/**
 * mean ± std, min and max of each key over the folds where it is defined. std is ddof 0 (numpy's
 * default) unless `ddof` 1 asks for the sample std (a run's cross-validation summary uses that).
 */
export function aggregateFolds(folds: Record<string, number | null>[], ddof: 0 | 1 = 0): Record<string, FoldStat> {
	if (folds.length === 0) throw new KilnError('ValidationError', 'There are no folds to aggregate.');
	const keys = [...new Set(folds.flatMap((f) => Object.keys(f)))];
	const out: Record<string, FoldStat> = {};
	for (const key of keys) {
		const values = folds.map((f) => f[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
		if (values.length === 0) continue;
		const mean = values.reduce((a, b) => a + b, 0) / values.length;
		const variance = values.length > ddof ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - ddof) : 0;
		out[key] = { mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values), folds: values.length };
	}
	return out;
}

export function aggregateReports(reports: EvaluationReport[]): Record<string, FoldStat> {
	const tasks = new Set(reports.map((r) => r.task));
	if (tasks.size > 1) throw new KilnError('ValidationError', 'Cannot aggregate classification and regression folds together.');
	return aggregateFolds(reports.map(scalarMetrics));
}

/** Confusion counts summed over folds: every row counted once when the folds partition the data. */
export function pooledConfusion(reports: ClassificationReport[]): number[][] {
	if (reports.length === 0) throw new KilnError('ValidationError', 'There are no folds to pool.');
	const k = reports[0].classes.length;
	if (reports.some((r) => r.classes.join('\u0000') !== reports[0].classes.join('\u0000'))) {
		throw new KilnError('ValidationError', 'The folds were scored with different class lists, so their confusion matrices cannot be added.');
	}
	const sum = Array.from({ length: k }, () => new Array<number>(k).fill(0));
	for (const r of reports) r.confusion.counts.forEach((row, i) => row.forEach((v, j) => (sum[i][j] += v)));
	return sum;
}
