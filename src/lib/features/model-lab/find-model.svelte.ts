import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import { getSetting } from '$lib/db';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { defaultParams } from '$workers/lib/models/params';
import { classicConfig, findMlpConfig } from '$workers/lib/model-lab/config';
import type { CandidateFamily, CandidateResult, ClassicSpec, Task, TrainConfig } from '$workers/protocol';
import { startTraining } from '../train/training';
import { createFindSearch, latestFindSearch, saveCandidate, setFindStatus, type StoredCandidate } from '$lib/db/find-searches';
import { candidateName, planSearch, recommend, type FindFacts, type FindPipeline, type FindPlan } from './find-model-plan';

export interface Candidate {
	family: CandidateFamily;
	status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
	progress: number;
	label: string;
	result: CandidateResult | null;
	error: UiError | null;
	/** The run started from it when the person kept it. */
	keptJob: Job | null;
}

/**
 * One "Find a model" search of a project: every suitable family with its defaults under k-fold
 * cross-validation, each family a job in the ML worker pool, the leaderboard filling as they
 * finish. Lives outside the page, like jobs, so leaving the page keeps it.
 */
export class FindModelSearch {
	candidates = $state<Candidate[]>([]);
	plan = $state.raw<FindPlan | null>(null);
	job = $state.raw<Job | null>(null);
	base = $state.raw<TrainConfig | null>(null);
	folds = 5;
	/** What a resume kept and what it runs again, shown above the leaderboard. */
	note = $state<string | null>(null);
	/** The stored search's id (null when it could not be stored). */
	#stored: Promise<string | null> = Promise.resolve(null);
	#restored = false;

	constructor(
		readonly projectId: string,
		readonly datasetId: string
	) {}

	get running(): boolean {
		return !!this.job?.active;
	}

	/** Done candidates, best mean first. */
	get ranked(): Candidate[] {
		return this.candidates.filter((c) => c.result).sort((a, b) => b.result!.mean - a.result!.mean);
	}

	/** `pipeline`: the Prepare pipeline every candidate reads the data through (base.features are then its inputs). */
	start(facts: FindFacts, base: Pick<TrainConfig, 'target' | 'task' | 'features'>, folds: number, pipeline: FindPipeline | null = null): void {
		const plan = planSearch(facts, folds, pipeline);
		this.plan = plan;
		const config = { ...DEFAULT_CONFIG, ...base };
		this.base = config;
		this.folds = folds;
		this.note = null;
		this.candidates = plan.families.map((family) => ({ family, status: 'queued', progress: 0, label: 'Waiting for a free worker…', result: null, error: null, keptJob: null }));
		this.#stored = createFindSearch({ projectId: this.projectId, datasetId: this.datasetId, settings: { kind: 'find-model', plan: $state.snapshot(plan), folds }, base: config }).catch((e) => {
			this.job?.log(`This search is not stored, so a reload loses it: ${toUiError(e).message}`);
			return null;
		});
		this.#run(plan.families.map((_, i) => i), `Find a model for “${base.target}”`);
	}

	/** Find's recommendation among the finished families (the one-standard-error rule). */
	get recommended(): ReturnType<typeof recommend> {
		return recommend(this.plan?.families ?? [], this.ranked.map((c) => c.result!), this.folds);
	}

	/** Families the stored search had not finished when the page went away. */
	get unfinished(): number {
		return this.candidates.filter((c) => !c.result && c.status !== 'failed').length;
	}

	/**
	 * Show the newest stored search of this dataset after a reload: finished families keep their
	 * scores (they never run again); the rest can be resumed.
	 */
	async restore(): Promise<void> {
		if (this.#restored || this.candidates.length > 0) return;
		this.#restored = true;
		const stored = await latestFindSearch(this.projectId, this.datasetId).catch(() => null);
		if (!stored || this.candidates.length > 0) return;
		const plan = stored.settings.plan as FindPlan;
		this.plan = plan;
		this.base = stored.base;
		this.folds = stored.settings.folds;
		this.#stored = Promise.resolve(stored.id);
		this.candidates = plan.families.map((family, i) => {
			const done = stored.candidates.get(i);
			if (done) return { family, status: done.status, progress: 1, label: '', result: done.result, error: done.error ? { name: 'Error', message: done.error } : null, keptJob: null };
			return { family, status: 'cancelled', progress: 0, label: 'Not finished before the page was closed', result: null, error: null, keptJob: null };
		});
	}

	/** Cross-validate only the families a stored (or cancelled) search has not finished. */
	resume(): void {
		if (!this.base || this.running) return;
		const left = this.candidates.flatMap((c, i) => (!c.result && c.status !== 'failed' ? [i] : []));
		if (left.length === 0) return;
		for (const i of left) Object.assign(this.candidates[i], { status: 'queued', progress: 0, label: 'Waiting for a free worker…' });
		const kept = this.candidates.length - left.length;
		this.note = `Resumed: ${kept} finished famil${kept === 1 ? 'y' : 'ies'} kept, ${left.length} to cross-validate.`;
		this.#run(left, `Find a model for “${this.base.target}” (resumed)`);
	}

	#run(indices: number[], title: string): void {
		const config = this.base!;
		const job = jobs.add('find-model', this.projectId, title);
		this.job = job;
		job.status = 'running';
		job.label = `Cross-validating ${indices.length} families`;
		const update = () => {
			const total = this.candidates.reduce((sum, c) => sum + (c.status === 'queued' || c.status === 'running' ? c.progress : 1), 0);
			job.progress = total / this.candidates.length;
			const done = this.candidates.filter((c) => c.result).length;
			job.label = `${done} of ${this.candidates.length} families cross-validated`;
		};
		void setStatus(this.#stored, 'running');
		const runs = indices.map((i) => this.#runCandidate(i, config, this.folds, config.task, job, update));
		void Promise.all(runs).then(() => {
			const cancelled = job.controller.signal.aborted;
			void setStatus(this.#stored, cancelled ? 'cancelled' : 'done');
			job.finish(cancelled ? 'cancelled' : this.candidates.some((c) => c.result) ? 'done' : 'failed', cancelled || this.candidates.some((c) => c.result) ? null : this.candidates.find((c) => c.error)?.error ?? null);
		});
	}

	async #runCandidate(i: number, config: TrainConfig, folds: number, task: Task, job: Job, update: () => void): Promise<void> {
		const family = this.candidates[i].family;
		try {
			const result = await bridge.crossValidateCandidate(
				{ datasetId: this.datasetId, config: candidateConfig(config, family, task), folds, ...(this.plan?.pipelineId ? { pipelineId: this.plan.pipelineId } : {}), ...(this.plan?.repeats && this.plan.repeats > 1 ? { repeats: this.plan.repeats } : {}) },
				(fraction, label) => {
					this.candidates[i].progress = fraction;
					this.candidates[i].label = label;
					update();
				},
				job.controller.signal,
				() => {
					this.candidates[i].status = 'running';
					this.candidates[i].label = 'Starting…';
				},
				() => getSetting('backend')
			);
			this.candidates[i].result = result;
			this.candidates[i].status = 'done';
			await this.#save(i, { kind: 'find-model-candidate', family, status: 'done', result: $state.snapshot(result) as CandidateResult, error: null }, job);
		} catch (e) {
			const error = toUiError(e);
			this.candidates[i].status = error.name === 'AbortError' ? 'cancelled' : 'failed';
			if (error.name === 'AbortError') this.candidates[i].label = 'Cancelled.';
			else {
				this.candidates[i].error = error;
				await this.#save(i, { kind: 'find-model-candidate', family, status: 'failed', result: null, error: error.message }, job);
			}
		}
		update();
	}

	/** Each finished candidate is stored as it lands; a failed write is said, and the search goes on. */
	async #save(i: number, candidate: StoredCandidate, job: Job): Promise<void> {
		const id = await this.#stored;
		if (!id) return;
		try {
			await saveCandidate(id, i, candidate);
		} catch (e) {
			job.log(`The result of ${this.name(candidate.family)} is not stored: ${toUiError(e).message}`);
		}
	}

	cancel(): void {
		this.job?.cancel();
	}

	/** Train the candidate as a normal run (same defaults, seed and pipeline, the usual split), which then shows in Runs. */
	keep(candidate: Candidate): Job | null {
		if (!this.base) return null;
		const pipelineId = this.plan?.pipelineId;
		candidate.keptJob = startTraining(this.projectId, this.datasetId, candidateConfig(this.base, candidate.family, this.base.task), pipelineId ? { pipelineId } : {});
		return candidate.keptJob;
	}

	name(family: CandidateFamily): string {
		return candidateName(family, this.base?.task ?? 'classification');
	}
}

/** The run config of a candidate: a classic family with its defaults, or the small-budget MLP. */
function candidateConfig(base: TrainConfig, family: CandidateFamily, task: Task): TrainConfig {
	if (family === 'mlp') return findMlpConfig(base);
	return classicConfig(base, { family, params: defaultParams(family, task) } as ClassicSpec);
}

async function setStatus(stored: Promise<string | null>, status: 'running' | 'done' | 'cancelled'): Promise<void> {
	const id = await stored;
	if (id) await setFindStatus(id, status).catch(() => {});
}

const searches = new Map<string, FindModelSearch>();

/** The project's search on this dataset, kept while the studio is open. */
export function findModelSearch(projectId: string, datasetId: string): FindModelSearch {
	const key = `${projectId}/${datasetId}`;
	let search = searches.get(key);
	if (!search) searches.set(key, (search = new FindModelSearch(projectId, datasetId)));
	return search;
}
