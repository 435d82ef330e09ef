/**
 * Row-wise softmax of logits, computed stably in float64. Plain loops (no per-row arrays, spreads
 * or closures): a form prediction calls it for one row, where that bookkeeping cost more than the
 * model. Same operations in the same order as before, so the same numbers.
 */
export function softmaxRows(logits: Float32Array, width: number): number[][] {
	const rows = logits.length / width;
	const result: number[][] = new Array(rows);
	for (let r = 0; r < rows; r++) {
		const at = r * width;
		let max = -Infinity;
		for (let k = 0; k < width; k++) max = Math.max(max, logits[at + k]);
		const probabilities: number[] = new Array(width);
		let sum = 0;
		for (let k = 0; k < width; k++) sum += probabilities[k] = Math.exp(logits[at + k] - max);
		for (let k = 0; k < width; k++) probabilities[k] /= sum;
		result[r] = probabilities;
	}
	return result;
}
