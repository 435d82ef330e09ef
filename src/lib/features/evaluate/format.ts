import type { ClassicSpec, Metrics, Task, TextTrainSettings, TrainConfig } from '$workers/protocol';
import { describeMlpOptions } from '$shared/mlp-options';
import { classicSettings, familyLabel } from '$workers/lib/model-lab/describe';
import { describeTextModel, textKeySettings } from '../text/describe';

export function headline(metrics: Metrics | undefined): string {
	if (!metrics) return '—';
	return metrics.task === 'classification' ? `accuracy ${metrics.accuracy.toFixed(3)}` : `RMSE ${formatNumber(metrics.rmse)}`;
}

/** The number a runs table sorts by: higher is better for both tasks. */
export function score(metrics: Metrics | undefined): number {
	if (!metrics) return -Infinity;
	return metrics.task === 'classification' ? metrics.accuracy : -metrics.rmse;
}

/** A moment as a short local date and time ("Nov 28, 2026, 9:27 AM"). */
export const formatWhen = (at: number): string => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatNumber(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	const abs = Math.abs(value);
	return abs !== 0 && (abs >= 1e5 || abs < 1e-3) ? value.toExponential(3) : value.toFixed(abs >= 100 ? 1 : 3);
}

export function describeModel(config: { model: string; hiddenLayers: number[]; classic?: ClassicSpec; task?: Task; vision?: { mode: string; preset: string }; text?: TextTrainSettings }): string {
	if (config.text) return describeTextModel(config.text);
	if (config.classic) return familyLabel(config.classic.family, config.task ?? 'classification');
	if (config.vision) return config.vision.mode === 'transfer' ? 'CNN transfer (backbone)' : `CNN ${config.vision.preset}`;
	return config.model === 'mlp' ? `MLP ${config.hiddenLayers.join('-')}` : 'linear';
}

/** The hyperparameters a person compares runs by, in one short line. */
export function keySettings(config: TrainConfig): string {
	if (config.text) return textKeySettings(config);
	if (config.classic) return classicSettings(config.classic);
	const parts = [`lr ${config.learningRate}`, `batch ${config.batchSize}`, `L2 ${config.l2}`];
	if (config.patience) parts.push(`patience ${config.patience}`);
	if (config.model === 'mlp') parts.push(...describeMlpOptions(config.mlp));
	return parts.join(' · ');
}

export function formatDuration(ms: number | undefined): string {
	if (ms === undefined) return '—';
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
	return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
