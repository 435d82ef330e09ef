import type { Metrics } from '$workers/protocol';

export function headline(metrics: Metrics | undefined): string {
	if (!metrics) return '—';
	return metrics.task === 'classification' ? `accuracy ${metrics.accuracy.toFixed(3)}` : `RMSE ${formatNumber(metrics.rmse)}`;
}

export function formatNumber(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	const abs = Math.abs(value);
	return abs !== 0 && (abs >= 1e5 || abs < 1e-3) ? value.toExponential(3) : value.toFixed(abs >= 100 ? 1 : 3);
}

export function describeModel(config: { model: string; hiddenLayers: number[] }): string {
	return config.model === 'mlp' ? `MLP ${config.hiddenLayers.join('-')}` : 'linear';
}
