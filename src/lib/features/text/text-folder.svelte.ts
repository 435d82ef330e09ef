import * as bridge from '$lib/bridge';
import { toUiError } from '$lib/components/ui-error';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import type { ImageFileEntry, TextFolderImportSummary } from '$workers/protocol';

/** One line on what was stored: counts per class, encodings other than UTF-8, skipped files. */
export function describeTextImport(summary: TextFolderImportSummary): string {
	const classes = summary.classes.map((c, i) => `${c} ${summary.counts[i].toLocaleString('en-US')}`).join(', ');
	const other = Object.entries(summary.encodings).filter(([e]) => e !== 'utf-8');
	const encodings = other.length ? `; read as ${other.map(([e, n]) => `${e} (${n})`).join(', ')} besides UTF-8` : '';
	const skipped = summary.skipped.length ? `; ${summary.skipped.length} file(s) skipped (listed with the dataset)` : '';
	return `${summary.imported.toLocaleString('en-US')} texts stored (${classes})${encodings}${skipped}.`;
}

/** The dataset is named after the zip, or the top folder. */
export function folderName(entries: ImageFileEntry[]): string {
	return entries.length === 1 ? (entries[0].path.split('/').pop() ?? 'texts').replace(/\.zip$/i, '') : (entries[0]?.path.split('/')[0] ?? 'texts');
}

/** Reading and storing run in the data worker as an import job (progress and Cancel in the Add data card). */
export function importTextFolder(projectId: string, files: ImageFileEntry[], onDone: (summary: TextFolderImportSummary) => void): Job {
	const name = folderName(files);
	const job = jobs.add('import', projectId, `Import texts from ${name}`);
	job.status = 'running';
	job.label = `Reading ${name}…`;
	const progress = ({ done, total }: { done: number; total: number }) => {
		job.progress = total ? done / total : 0;
		job.label = done < total ? `Reading ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} text files…` : 'Saving the texts…';
	};
	void bridge
		.importTextFolder({ projectId, name, files }, progress, job.controller.signal)
		.then(
			(summary) => {
				job.log(describeTextImport(summary));
				job.finish('done');
				onDone(summary);
			},
			(e) => {
				const error = toUiError(e);
				job.finishWithError(error);
			}
		)
		.finally(() => jobs.stored());
	return job;
}
