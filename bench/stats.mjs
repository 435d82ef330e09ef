// Summaries the bench prints: every figure is shown as median with its min and max over rounds.

export function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** { n, min, median, max } of the finite values, or null when there are none. */
export function summarise(values) {
	const finite = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
	if (finite.length === 0) return null;
	return { n: finite.length, min: Math.min(...finite), median: median(finite), max: Math.max(...finite) };
}
