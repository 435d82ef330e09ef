import * as bridge from '$lib/bridge';
import { toUiError } from '$lib/components/ui-error';
import { createRun, finishRun, getSetting, type RunRecord } from '$lib/db';
import { newId } from '$lib/db/open';
import { saveRunTrust } from '$lib/db/trust';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import { withConfigDefaults } from '$shared/train-config';
import { metricNameFor, type AttackKind, type RobustnessResult, type RunVariant } from '$workers/protocol';
import { describeModel } from '../evaluate/format';
import { startEvaluation } from '../evaluate/evaluation';
import { endFailedRun, onEvent } from '../train/training';
import { holdRunLock } from '../train/run-locks';

export { defaultCurveEpsilons } from './trust-figures';

export type AdversarialSettings = Omit<Extract<RunVariant, { kind: 'adversarial' }>, 'kind' | 'baseRunId'>;
export interface CurveSettings {
	attack: AttackKind;
	epsilons: number[];
	steps: number;
}

export const ADVERSARIAL_TITLE = 'Adversarially trained';
/** Share of the job's bar for training; the two curves fill the rest. */
const TRAINING_SHARE = 0.7;

/**
 * A run like `from` (same data, split, settings) adversarially trained, stored with its variant;
 * then the same attack on `from` and on it, on the same holdout, kept with both runs (their
 * latest robustness result) and as a before/after comparison on the new run. If a curve fails
 * the trained run is kept, and the curves can be drawn again from the Robustness card.
 */
export function startAdversarialTraining(from: RunRecord, settings: AdversarialSettings, curve: CurveSettings): Job {
	const config = withConfigDefaults(from.config);
	const variant = { kind: 'adversarial' as const, ...settings, baseRunId: from.id };
	const job = jobs.add('train', from.projectId, `${ADVERSARIAL_TITLE} (${settings.norm === 'linf' ? 'L∞' : 'L2'} ε = ${settings.epsilon}): ${describeModel(config)} on “${config.target}”`);
	const runId = newId('run');
	job.metricName = metricNameFor(config.task);
	void holdRunLock(runId, async () => {
		let run: RunRecord | null = null;
		let trained: RunRecord | null = null;
		try {
			run = { ...(await createRun({ id: runId, projectId: from.projectId, datasetId: from.datasetId, config })), variant };
			job.runId = run.id;
			jobs.stored();
			const result = await bridge.trainVariant({ runId, datasetId: from.datasetId, config, variant }, () => getSetting('backend'), (event) => onEvent(job, event.type === 'progress' ? { ...event, fraction: event.fraction * TRAINING_SHARE } : event), job.controller.signal, job.startedWith('Starting the training worker…'));
			trained = await finishRun(run, result);
			jobs.stored();
			const request = { norm: settings.norm, attack: curve.attack, epsilons: curve.epsilons, steps: curve.steps, seed: config.seed };
			const measure = async (r: RunRecord, start: number, label: string): Promise<RobustnessResult> => {
				if (!r.modelId) throw new Error('This run has no stored model to attack.');
				return bridge.robustnessCurve({ runId: r.id, datasetId: r.datasetId, modelId: r.modelId, config: withConfigDefaults(r.config), ...request }, () => getSetting('backend'), (p) => {
					job.progress = start + p.fraction * ((1 - TRAINING_SHARE) / 2);
					job.label = `${label}: ${p.label}`;
				}, job.controller.signal);
			};
			const before = await measure(from, TRAINING_SHARE, 'Attacking the original run');
			const after = await measure(trained, TRAINING_SHARE + (1 - TRAINING_SHARE) / 2, 'Attacking the adversarially trained run');
			const at = Date.now();
			await saveRunTrust(from.id, { robustness: { ...before, at } });
			await saveRunTrust(trained.id, {
				robustness: { ...after, at },
				adversarial: { baseRunId: from.id, attack: curve.attack, norm: settings.norm, steps: after.steps, holdoutRows: after.holdoutRows, before: before.points, after: after.points, at }
			});
			job.log(`Clean holdout accuracy ${(before.clean * 100).toFixed(1)} % before, ${(after.clean * 100).toFixed(1)} % after; at ε = ${settings.epsilon}: ${pointText(before.points, settings.epsilon)} before, ${pointText(after.points, settings.epsilon)} after.`);
			job.finish('done');
			startEvaluation(trained);
		} catch (e) {
			if (!trained) await endFailedRun(job, run, e);
			else {
				// The run itself trained and is stored; only its before/after curve is missing.
				const error = toUiError(e);
				if (error.name !== 'AbortError') error.message = `The run was trained and kept, but its before/after curve failed: ${error.message}`;
				job.finishWithError(error);
			}
		} finally {
			jobs.stored();
		}
	});
	return job;
}

function pointText(points: RobustnessResult['points'], epsilon: number): string {
	const point = points.find((p) => p.epsilon === epsilon);
	return point ? `${(point.accuracy * 100).toFixed(1)} %` : 'not measured';
}
