/** What train.py reported in kiln-weights.json's metrics, as a short phrase (numbers only; unknown keys ignored). */
export function reportedHeadline(reported: Record<string, unknown>): string {
	const parts = Object.entries(reported)
		.filter((e): e is [string, number] => e[0] !== 'task' && typeof e[1] === 'number' && Number.isFinite(e[1]))
		.map(([name, value]) => `${name === 'rmse' ? 'RMSE' : name} ${value.toFixed(3)}`);
	return parts.length > 0 ? parts.join(', ') : 'no figure';
}
