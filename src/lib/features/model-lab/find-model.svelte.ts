import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { defaultParams } from '$workers/lib/models/params';
import { classicConfig } from '$workers/lib/model-lab/config';
import type { CandidateResult, ClassicFamily, ClassicSpec, Task, TrainConfig } from '$workers/protocol';
import { startTraining } from '../train/training';
import { candidateName, planSearch, type FindFacts, type FindPlan } from './find-model-plan';

export interface Candidate {
	family: ClassicFamily;
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

	start(facts: FindFacts, base: Pick<TrainConfig, 'target' | 'task' | 'features'>, folds: number): void {
		const plan = planSearch(facts, folds);
		this.plan = plan;
		const config = { ...DEFAULT_CONFIG, ...base };
		this.base = config;
		this.candidates = plan.families.map((family) => ({ family, status: 'queued', progress: 0, label: 'Waiting for a free worker…', result: null, error: null, keptJob: null }));
		const job = jobs.add('find-model', this.projectId, `Find a model for “${base.target}”`);
		this.job = job;
		job.status = 'running';
		job.label = `Cross-validating ${plan.families.length} families`;
		const update = () => {
			const total = this.candidates.reduce((sum, c) => sum + (c.status === 'queued' || c.status === 'running' ? c.progress : 1), 0);
			job.progress = total / this.candidates.length;
			const done = this.candidates.filter((c) => c.result).length;
			job.label = `${done} of ${this.candidates.length} families cross-validated`;
		};
		const runs = this.candidates.map((_, i) => this.#runCandidate(i, config, folds, base.task, job, update));
		void Promise.all(runs).then(() => {
			const cancelled = job.controller.signal.aborted;
			job.finish(cancelled ? 'cancelled' : this.candidates.some((c) => c.result) ? 'done' : 'failed', cancelled || this.candidates.some((c) => c.result) ? null : this.candidates.find((c) => c.error)?.error ?? null);
		});
	}

	async #runCandidate(i: number, config: TrainConfig, folds: number, task: Task, job: Job, update: () => void): Promise<void> {
		const family = this.candidates[i].family;
		const spec = { family, params: defaultParams(family, task) } as ClassicSpec;
		try {
			const result = await bridge.crossValidateCandidate(
				{ datasetId: this.datasetId, config: classicConfig(config, spec), folds },
				(fraction, label) => {
					this.candidates[i].progress = fraction;
					this.candidates[i].label = label;
					update();
				},
				job.controller.signal,
				() => {
					this.candidates[i].status = 'running';
					this.candidates[i].label = 'Starting…';
				}
			);
			this.candidates[i].result = result;
			this.candidates[i].status = 'done';
		} catch (e) {
			const error = toUiError(e);
			this.candidates[i].status = error.name === 'AbortError' ? 'cancelled' : 'failed';
			if (error.name !== 'AbortError') this.candidates[i].error = error;
		}
		update();
	}

	cancel(): void {
		this.job?.cancel();
	}

	/** Train the candidate as a normal run (same defaults and seed, the usual split), which then shows in Runs. */
	keep(candidate: Candidate): Job | null {
		if (!this.base) return null;
		const spec = { family: candidate.family, params: defaultParams(candidate.family, this.base.task) } as ClassicSpec;
		candidate.keptJob = startTraining(this.projectId, this.datasetId, classicConfig(this.base, spec));
		return candidate.keptJob;
	}

	name(family: ClassicFamily): string {
		return candidateName(family, this.base?.task ?? 'classification');
	}
}

const searches = new Map<string, FindModelSearch>();

/** The project's search on this dataset, kept while the studio is open. */
export function findModelSearch(projectId: string, datasetId: string): FindModelSearch {
	const key = `${projectId}/${datasetId}`;
	let search = searches.get(key);
	if (!search) searches.set(key, (search = new FindModelSearch(projectId, datasetId)));
	return search;
}
