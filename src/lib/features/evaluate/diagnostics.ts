import type { ClassificationMetrics } from '$workers/protocol';

/**
 * The class every holdout row was predicted as, when there is one: a classifier that has not
 * learned to separate anything yet (too few epochs, a learning rate too low or too high), whose
 * accuracy is only that class's share. Null when the predictions vary or there is one true class.
 */
export function singlePredictedClass(metrics: ClassificationMetrics): string | null {
	const k = metrics.classes.length;
	const truths = metrics.confusion.filter((row) => row.some((n) => n > 0)).length;
	if (k < 2 || truths < 2) return null;
	const used = metrics.classes.filter((_, c) => metrics.confusion.some((row) => (row[c] ?? 0) > 0));
	return used.length === 1 ? used[0] : null;
}
