/** Row-wise softmax of logits, computed stably in float64. */
export function softmaxRows(logits: Float32Array, width: number): number[][] {
	const rows = logits.length / width;
	const result: number[][] = [];
	for (let r = 0; r < rows; r++) {
		const row = Array.from(logits.subarray(r * width, (r + 1) * width));
		const max = Math.max(...row);
		const exps = row.map((v) => Math.exp(v - max));
		const sum = exps.reduce((a, b) => a + b, 0);
		result.push(exps.map((e) => e / sum));
	}
	return result;
}
