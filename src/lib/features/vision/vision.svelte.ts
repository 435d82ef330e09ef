import { asset } from '$app/paths';
import * as bridge from '$lib/bridge';
import { toUiError } from '$lib/components/ui-error';
import { jobs, type Job } from '$lib/jobs/registry.svelte';
import { DEFAULT_CONFIG, IMAGE_VALIDATION } from '$shared/train-config';
import type { ImageFileEntry, ImageImportSummary, TrainConfig, VisionConfig } from '$workers/protocol';

export interface ImageDemo {
	file: string;
	name: string;
	height: number;
	width: number;
	channels: number;
	trainCount: number;
	testCount: number;
	classes: string[];
	source: string;
	license: string;
	bytes: number;
}

export async function loadImageDemos(): Promise<ImageDemo[]> {
	const response = await fetch(asset('/datasets/images/index.json'));
	if (!response.ok) throw new Error(`The list of demo image sets could not be loaded (HTTP ${response.status}).`);
	return (await response.json()).sets;
}

/** Runs an image import as a job: decoding and storing happen in the data worker. */
function importJob(projectId: string, title: string, run: (job: Job) => Promise<ImageImportSummary>): Job {
	const job = jobs.add('import', projectId, title);
	job.status = 'running';
	job.label = `${title}…`;
	void run(job)
		.then(
			(summary) => {
				job.log(`${summary.imported.toLocaleString('en-US')} images in ${summary.classes.length} classes stored${summary.skipped.length ? `; ${summary.skipped.length} file(s) skipped (listed with the dataset)` : ''}.`);
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

const progress = (job: Job, verb: string) => ({ done, total }: { done: number; total: number }) => {
	job.progress = total ? done / total : 0;
	job.label = done < total ? `${verb} ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} images…` : 'Saving the images…';
};

export function importImageDemo(projectId: string, demo: ImageDemo): Job {
	return importJob(projectId, `Import ${demo.name}`, async (job) => {
		job.label = `Downloading ${demo.name} (${(demo.bytes / 2 ** 20).toFixed(1)} MB) from this site…`;
		const response = await fetch(asset(`/datasets/images/${demo.file}`));
		if (!response.ok) throw new Error(`The demo image set ${demo.file} could not be loaded (HTTP ${response.status}).`);
		return bridge.importImageSet({ projectId, file: await response.blob(), fileName: demo.file }, progress(job, 'Reading'), job.controller.signal);
	});
}

/** Files from a folder picker (their relative paths), or a .zip, decoded at size×size. */
export function importImageFiles(projectId: string, name: string, files: ImageFileEntry[], size: number, channels: 1 | 3): Job {
	return importJob(projectId, `Import ${name}`, (job) => bridge.importImages({ projectId, name, files, size, channels }, progress(job, 'Decoding'), job.controller.signal));
}

export const DEFAULT_VISION: VisionConfig = {
	mode: 'scratch',
	preset: 'small',
	augment: { flip: 0, rotate: 0, shift: 0, brightness: 0, contrast: 0, noise: 0 },
	maxTrainImages: 0,
	fineTuneEpochs: 0
};

/** A full TrainConfig for an image run; the tabular fields hold neutral values. */
export function imageConfig(settings: { epochs: number; learningRate: number; batchSize: number; seed: number; holdoutFraction: number }, vision: VisionConfig): TrainConfig {
	return { ...DEFAULT_CONFIG, ...settings, target: 'label', task: 'classification', features: [], model: 'mlp', hiddenLayers: [], l2: 0, validationFraction: IMAGE_VALIDATION, patience: 0, vision };
}
