import { asset } from '$app/paths';
import * as bridge from '$lib/bridge';
import { toUiError, type UiError } from '$lib/components/ui-error';
import { discardImport } from '$lib/db';
import { newId } from '$lib/db/open';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import type { ImportChoices, Task } from '$workers/protocol';
import type { CsvPlan } from '$workers/lib/data/import/types';
import type { SemanticType } from '$workers/lib/data/import/types';
import { holdImportLock } from './import-locks';

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
 * Bring a file into a project as a job: the data worker streams it into IndexedDB itself, so the
 * table never crosses to the page. Cancelling stops the worker; whatever it had stored is then
 * removed here (the page chose the dataset id), so nothing half-stored stays. The import holds a
 * Web Lock, so a later visit can tell its leftovers from a closed tab apart from a running import.
 */
export function importIntoProject(projectId: string, file: Blob, fileName: string, source: 'upload' | 'demo' = 'upload', preferredTarget?: string, choices?: ImportChoices, plan?: CsvPlan): Job {
	const job = jobs.add('import', projectId, `Import ${fileName}`);
	const datasetId = newId('dataset');
	job.status = 'running';
	job.label = `Reading ${fileName}…`;
	void holdImportLock(datasetId, async () => {
		try {
			const summary = await bridge.importFile({ datasetId, file, fileName, projectId, source, preferredTarget, choices, plan }, (fraction) => {
				job.progress = fraction;
				job.label = fraction < 1 ? `Reading ${fileName}…` : `Saving ${fileName}…`;
			}, job.controller.signal);
			job.log(`${summary.rowCount.toLocaleString('en-US')} rows stored; target “${summary.target}” (${summary.task}).`);
			job.finish('done');
		} catch (e) {
			const error: UiError = toUiError(e);
			try {
				await discardImport(datasetId);
			} catch (cleanup) {
				error.message += ` Part of the file may still be stored: ${toUiError(cleanup).message} It is removed on the next visit.`;
			}
			job.finishWithError(error);
		} finally {
			jobs.stored();
		}
	});
	return job;
}

/** Fetch a bundled demo from the site itself (no other origin), then import it. */
export async function importDemo(projectId: string, demo: DemoDataset): Promise<Job> {
	const response = await fetch(asset(`/datasets/${demo.file}`));
	if (!response.ok) throw new Error(`The demo file ${demo.file} could not be loaded (HTTP ${response.status}).`);
	return importIntoProject(projectId, await response.blob(), demo.file, 'demo', demo.target);
}

/** Profile a dataset again for a new target (its balance and leaks), as a job. */
export function profileForTarget(projectId: string, datasetId: string, target: string): Job {
	const job = jobs.add('profile', projectId, `Profile for “${target}”`);
	job.status = 'running';
	job.label = `Profiling for “${target}”…`;
	void bridge
		.profileDataset(datasetId, target, (fraction) => (job.progress = fraction), job.controller.signal)
		.then(
			() => job.finish('done'),
			(e) => {
				const error = toUiError(e);
				job.finishWithError(error);
			}
		)
		.finally(() => jobs.stored());
	return job;
}

/** Change a stored column's type as a job (the data worker rewrites its chunks, then profiles again). */
export function changeColumnType(projectId: string, datasetId: string, column: string, semantic: SemanticType, target: string | undefined): Job {
	const job = jobs.add('profile', projectId, `Type of “${column}”`);
	job.status = 'running';
	job.label = `Changing the type of “${column}” and profiling again…`;
	void bridge
		.retypeColumn(datasetId, column, semantic, target, job.controller.signal)
		.then(
			({ lost }) => {
				if (lost > 0) job.log(`${lost.toLocaleString('en-US')} value${lost === 1 ? '' : 's'} of “${column}” did not fit the new type and became missing.`);
				job.finish('done');
			},
			(e) => {
				const error = toUiError(e);
				job.finishWithError(error);
			}
		)
		.finally(() => jobs.stored());
	return job;
}
