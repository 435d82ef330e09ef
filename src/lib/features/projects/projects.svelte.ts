import { createProject, deleteProject, listProjects, projectSummary, type ProjectRecord, type ProjectSummary } from '$lib/db';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { jobs } from '$lib/jobs/registry.svelte';

export class ProjectList {
	items = $state.raw<ProjectRecord[]>([]);
	loaded = $state(false);
	error = $state<UiError | null>(null);

	/** Per project id, once read: the list shows a project before its summary. */
	summaries = $state.raw<Record<string, ProjectSummary>>({});

	async load(): Promise<void> {
		try {
			this.items = await listProjects();
			// A summary that cannot be read leaves that project's line as it is.
			const read = await Promise.all(this.items.map(async (p) => [p.id, await projectSummary(p).catch(() => null)] as const));
			this.summaries = Object.fromEntries(read.filter((entry): entry is readonly [string, ProjectSummary] => entry[1] !== null));
		} catch (e) {
			this.error = toUiError(e);
		} finally {
			this.loaded = true;
		}
	}

	async create(name: string): Promise<ProjectRecord | null> {
		this.error = null;
		try {
			const project = await createProject(name);
			this.items = [project, ...this.items];
			return project;
		} catch (e) {
			this.error = toUiError(e);
			return null;
		}
	}

	/** Stop the project's jobs (here and in other tabs) first, so nothing writes to it after. */
	async remove(id: string): Promise<void> {
		try {
			await jobs.cancelProject(id);
			await deleteProject(id);
			this.items = this.items.filter((p) => p.id !== id);
		} catch (e) {
			this.error = toUiError(e);
		}
	}
}
