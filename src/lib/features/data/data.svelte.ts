import { asset } from '$app/paths';
import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import type { Task } from '$workers/protocol';

export interface DemoDataset {
	id: string;
	name: string;
	file: string;
	target: string;
	task: Task;
	rows: number;
	columns: number;
	description: string;
	license: string;
	source: string;
}

export async function loadDemoIndex(): Promise<DemoDataset[]> {
	const response = await fetch(asset('/datasets/index.json'));
	if (!response.ok) throw new Error(`The list of demo datasets could not be loaded (HTTP ${response.status}).`);
	return response.json();
}

/**
 * Bring a file into a project as a job: the data worker parses and stores it itself, so the
 * table never crosses to the page; cancelling stops the worker and nothing is stored.
 */
export function importIntoProject(projectId: string, file: Blob, fileName: string, source: 'upload' | 'demo' = 'upload', preferredTarget?: string): Job {
	const job = jobs.add('import', projectId, `Import ${fileName}`);
	job.status = 'running';
	job.label = `Reading ${fileName}…`;
	void bridge
		.importFile({ file, fileName, projectId, source, preferredTarget }, (fraction) => {
			job.progress = fraction;
			job.label = fraction < 1 ? `Reading ${fileName}…` : `Saving ${fileName}…`;
		}, job.controller.signal)
		.then(
			(summary) => {
				job.log(`${summary.rowCount.toLocaleString('en-US')} rows stored; target “${summary.target}” (${summary.task}).`);
				job.finish('done');
			},
			(e) => {
				const error: UiError = toUiError(e);
				job.finish(error.name === 'AbortError' ? 'cancelled' : 'failed', error.name === 'AbortError' ? null : error);
			}
		)
		.finally(() => jobs.stored());
	return job;
}

/** Fetch a bundled demo from the site itself (no other origin), then import it. */
export async function importDemo(projectId: string, demo: DemoDataset): Promise<Job> {
	const response = await fetch(asset(`/datasets/${demo.file}`));
	if (!response.ok) throw new Error(`The demo file ${demo.file} could not be loaded (HTTP ${response.status}).`);
	return importIntoProject(projectId, await response.blob(), demo.file, 'demo', demo.target);
}
