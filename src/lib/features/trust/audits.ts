import * as bridge from '$lib/bridge';
import { toUiError } from '$lib/components/ui-error';
import { getSetting, type RunRecord } from '$lib/db';
import { saveRunTrust } from '$lib/db/trust';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import { withConfigDefaults } from '$shared/train-config';
import type { FairnessRequest, RobustnessRequest, RunRef, TrustProgress, TrustSummary } from '$workers/protocol';
import { describeModel } from '../evaluate/format';

type FairnessChoice = Omit<FairnessRequest, keyof RunRef>;
type RobustnessChoice = Omit<RobustnessRequest, keyof RunRef>;

function ref(run: RunRecord): RunRef {
	if (!run.modelId) throw new Error('This run has no stored model to audit.');
	return { runId: run.id, datasetId: run.datasetId, modelId: run.modelId, config: withConfigDefaults(run.config) };
}

/** An audit of a finished run as a job in the ML pool; its result is stored with the run. */
function startAudit(run: RunRecord, title: string, compute: (ref: RunRef, onProgress: (p: TrustProgress) => void, job: Job) => Promise<TrustSummary>): Job {
	const job = jobs.add('audit', run.projectId, `${title}: ${describeModel(run.config)} on “${run.config.target}”`);
	job.runId = run.id;
	void (async () => {
		try {
			const summary = await compute(ref(run), job.onProgress, job);
			await saveRunTrust(run.id, summary);
			job.finish('done');
		} catch (e) {
			const error = toUiError(e);
			job.finishWithError(error);
		} finally {
			jobs.stored();
		}
	})();
	return job;
}

const started = (job: Job) => job.startedWith('Starting the audit worker…');

export function startFairnessAudit(run: RunRecord, choice: FairnessChoice): Job {
	return startAudit(run, 'Fairness audit', async (r, onProgress, job) => ({
		fairness: { ...(await bridge.auditFairness({ ...r, ...choice }, () => getSetting('backend'), onProgress, job.controller.signal, started(job))), at: Date.now() }
	}));
}

export function startRobustnessCurve(run: RunRecord, choice: RobustnessChoice): Job {
	return startAudit(run, `${choice.attack.toUpperCase()} robustness`, async (r, onProgress, job) => ({
		robustness: { ...(await bridge.robustnessCurve({ ...r, ...choice }, () => getSetting('backend'), onProgress, job.controller.signal, started(job))), at: Date.now() }
	}));
}
