import type { PrivacySweepResult } from '$workers/protocol';

/** Pure helpers of the Trust section's trade-off and adversarial cards (no workers, no DB). */

/** The ε values a curve checks by default: around the training ε, up to three times it. */
export function defaultCurveEpsilons(epsilon: number): number[] {
	return [0.5, 1, 2, 3].map((k) => Number((k * epsilon).toPrecision(3)));
}

/** DP-SGD speed as a share of plain training's, from the sweep's own runs (median over σ). */
export function speedRatio(sweep: Pick<PrivacySweepResult, 'baseline' | 'points'>): number | null {
	const rates = sweep.points.map((p) => p.samplesPerSecond).filter((v) => v > 0).sort((a, b) => a - b);
	if (rates.length === 0 || !(sweep.baseline.samplesPerSecond > 0)) return null;
	const mid = rates.length >> 1;
	const median = rates.length % 2 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
	return median / sweep.baseline.samplesPerSecond;
}

/** "0.5, 1 2" → [0.5, 1, 2], or a message naming what is wrong. */
export function parseSigmas(text: string): { sigmas: number[] } | { error: string } {
	const parts = text.split(/[,\s]+/).filter((s) => s !== '');
	const sigmas = parts.map(Number);
	if (sigmas.length === 0) return { error: 'σ values: at least one number above 0.' };
	const bad = parts.find((_, i) => !(sigmas[i] > 0) || !Number.isFinite(sigmas[i]));
	if (bad !== undefined) return { error: `σ values: "${bad}" is not a number above 0.` };
	if (new Set(sigmas).size > 8) return { error: 'σ values: at most 8 (each is a full training run).' };
	return { sigmas: [...new Set(sigmas)].sort((a, b) => a - b) };
}

/** "1, 3 8" → [1, 3, 8] as target ε values, or a message naming what is wrong. */
export function parseTargetEpsilons(text: string): { sigmas: number[] } | { error: string } {
	const parsed = parseSigmas(text);
	return 'error' in parsed ? { error: parsed.error.replace('σ values', 'Target ε values') } : parsed;
}
