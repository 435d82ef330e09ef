import * as bridge from '$lib/bridge';
import { toUiError } from '$lib/components/ui-error';
import { getSetting } from '$lib/db';
import { savePrivacySweep, type StoredPrivacySweep } from '$lib/db/privacy-sweeps';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import type { PrivacySweepRequest } from '$workers/protocol';
import { describeModel } from '../evaluate/format';

export const SWEEP_TITLE = 'Privacy trade-off';

/**
 * The privacy/accuracy trade-off of one config as a job in the ML pool (progress, cancel): one
 * plain run and one seeded DP-SGD run per σ. The project keeps the latest one.
 */
export function startPrivacySweep(projectId: string, request: PrivacySweepRequest): Job {
	const job = jobs.add('audit', projectId, `${SWEEP_TITLE}: ${describeModel(request.config)} on “${request.config.target}” at σ = ${request.noiseMultipliers.join(', ')}`);
	void (async () => {
		try {
			const result = await bridge.privacySweep(
				request,
				() => getSetting('backend'),
				(p) => {
					job.progress = p.fraction;
					job.label = p.label;
				},
				job.controller.signal,
				() => {
					job.status = 'running';
					job.label = 'Starting the training worker…';
				}
			);
			const sweep: StoredPrivacySweep = { ...result, at: Date.now(), datasetId: request.datasetId, target: request.config.target };
			await savePrivacySweep(projectId, sweep);
			job.finish('done');
		} catch (e) {
			const error = toUiError(e);
			job.finish(error.name === 'AbortError' ? 'cancelled' : 'failed', error.name === 'AbortError' ? null : error);
		} finally {
			jobs.stored();
		}
	})();
	return job;
}

/** DP-SGD speed as a share of plain training's, from the sweep's own runs (median over σ). */
export function speedRatio(sweep: Pick<StoredPrivacySweep, 'baseline' | 'points'>): number | null {
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
