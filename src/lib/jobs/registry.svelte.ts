import { Job, type JobKind } from './job.svelte';

/**
 * The studio-wide list of jobs. Every page reads it (the header shows what is running, a
 * project's pages show its jobs); none owns a job, so navigation never loses one.
 */
class JobRegistry {
	jobs = $state.raw<Job[]>([]);
	/** Bumped whenever a job changed stored records, so pages know to read them again. */
	changes = $state(0);

	active = $derived(this.jobs.filter((j) => j.active));

	add(kind: JobKind, projectId: string, title: string): Job {
		const job = new Job(kind, projectId, title);
		this.jobs = [...this.jobs, job];
		return job;
	}

	forProject(projectId: string, kind?: JobKind): Job[] {
		return this.jobs.filter((j) => j.projectId === projectId && (!kind || j.kind === kind));
	}

	/** The latest job of a kind for a project (running or finished), if any. */
	latest(projectId: string, kind: JobKind): Job | undefined {
		return this.forProject(projectId, kind).at(-1);
	}

	/**
	 * Cancel every job of a project and wait until they have let go of it, here and in other
	 * tabs (told over a BroadcastChannel), before the project is deleted.
	 */
	async cancelProject(projectId: string, tellOtherTabs = true): Promise<void> {
		if (tellOtherTabs) this.#channel?.postMessage({ type: 'cancel-project', projectId });
		const running = this.forProject(projectId).filter((j) => j.active);
		running.forEach((j) => j.cancel());
		await Promise.all(running.map((j) => j.settled));
	}

	readonly #channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('kiln-jobs');

	constructor() {
		this.#channel?.addEventListener('message', (event: MessageEvent<{ type: string; projectId: string }>) => {
			if (event.data?.type === 'cancel-project') void this.cancelProject(event.data.projectId, false);
		});
	}

	stored(): void {
		this.changes++;
	}

	dismiss(job: Job): void {
		if (!job.active) this.jobs = this.jobs.filter((j) => j !== job);
	}
}

export const jobs = new JobRegistry();
export type { Job, JobKind };
