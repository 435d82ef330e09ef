import type { OnnxCheck, VariantRow } from '$workers/protocol';

/** How the export and trade-off cards write numbers. */

export function formatMetric(name: 'accuracy' | 'rmse', value: number | undefined): string {
	if (value === undefined || !Number.isFinite(value)) return '—';
	return name === 'accuracy' ? `${(value * 100).toFixed(1)}%` : value.toPrecision(4);
}

export function formatMs(ms: number | undefined): string {
	if (ms === undefined || !Number.isFinite(ms)) return '—';
	return ms < 10 ? ms.toFixed(2) : ms.toFixed(0);
}

/** A difference as a person reads it: 0, or one significant figure in scientific notation. */
export function formatDiff(value: number): string {
	if (value === 0) return '0';
	if (!Number.isFinite(value)) return 'not a number';
	return value.toExponential(1);
}

/** Is the check a pass: same label everywhere and, for a float model, probabilities within 1e-4? */
export function checkPassed(check: OnnxCheck, variantId: string): boolean {
	const floatModel = !variantId.endsWith('int8');
	return check.agreed === check.rows && (!floatModel || check.maxAbsDiff <= 1e-4);
}

export function checkSentence(check: OnnxCheck, model = 'the tfjs model'): string {
	const share = check.rows ? Math.round((100 * check.agreed) / check.rows) : 0;
	const what = check.compared === 'probabilities' ? `the same label as ${model}` : `the same prediction as ${model} (within 1e-4)`;
	const diff = check.compared === 'probabilities' ? 'largest difference in a class probability' : 'largest difference in a prediction';
	return `Run in ${check.runtime} on the ${check.rows} holdout rows: ${what} on ${check.agreed} of ${check.rows} (${share}%); ${diff} ${formatDiff(check.maxAbsDiff)}.`;
}

/** The smallest deflated file a variant ships as (ONNX or tfjs), for the plot. */
export function shippedBytes(row: VariantRow): number {
	return Math.min(row.onnx?.deflatedBytes ?? Infinity, row.tfjs?.deflatedBytes ?? Infinity);
}

/** Classic families with an ONNX form (linear through Gemm, trees through ONNX-ML TreeEnsemble). */
export function classicOnnx(family: string): boolean {
	return family === 'linear' || family === 'tree' || family === 'forest' || family === 'boosting';
}

export function classicOnnxNote(family: string): string {
	if (classicOnnx(family)) return 'It exports to ONNX below (trees as ONNX-ML TreeEnsemble), checked in ONNX Runtime Web against Kiln’s own predictions first.';
	const name = family === 'knn' ? 'A k-nearest neighbours model' : 'A naive Bayes model';
	return `${name} cannot be exported to ONNX: ONNX has no operator for it (linear models, trees, forests and gradient boosting export).`;
}
