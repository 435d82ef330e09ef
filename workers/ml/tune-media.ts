import { getDataset, loadTable } from '$lib/db';
import { KilnError } from '$shared/errors';
import { IMAGE_VALIDATION } from '$shared/train-config';
import { registerWasmKernels } from '../lib/kernels/register';
import { trainTagger, trainTextClassifier } from '../lib/text/nn/run';
import { taggedSentences } from '../lib/text/tagging';
import { trialScore } from '../lib/trial';
import type { BackendName, JobEvent, TrialOutcome, TrialRequest } from '../protocol';
import { ensureBackend } from './backend';
import { fitImages, imageData } from './image-fit';
import { neuralRunConfig } from './text';
import { columnStrings, textSettingsOf } from './text-artifacts';
import { shippedVectors } from './text-vectors';
import { imageSplit, validationRows } from './vision-split';

/**
 * Search trials of image and text runs: the same training code as a run of that kind, with the
 * trial's settings and `budget` epochs, scored on validation rows carved from the training rows
 * (the holdout stays untouched until the final model). Each job trains from the start: an image
 * run anneals its rate over its own epochs, and a text run's split and vocabulary are rebuilt per
 * run, so a promotion to more epochs is a fresh run of that length, as the final run will be.
 */
async function backendFor(onEvent: (event: JobEvent) => void): Promise<BackendName> {
	const { backend, note } = await ensureBackend();
	// Conv, depthwise and embedding gradients need kernels tfjs-backend-wasm lacks.
	if (backend === 'wasm') registerWasmKernels();
	onEvent({ type: 'backend', backend, note });
	return backend;
}

const fromScratch = (request: TrialRequest, onEvent: (event: JobEvent) => void) => {
	if (request.resumeFrom) onEvent({ type: 'log', message: `Trial ${request.trialId} trains from the start to epoch ${request.budget}, as a run of that length would.` });
};

export async function imageTrial(request: TrialRequest, onEvent: (event: JobEvent) => void): Promise<TrialOutcome> {
	const started = performance.now();
	const config = { ...request.config, epochs: request.budget };
	const vision = config.vision;
	if (!vision) throw new KilnError('SearchError', 'This trial has no image settings.');
	const backend = await backendFor(onEvent);
	fromScratch(request, onEvent);
	const record = await getDataset(request.datasetId);
	const { meta, labels } = await imageData(record);
	const { train } = imageSplit(labels, meta.classes.length, { seed: config.seed, holdoutFraction: config.holdoutFraction, testStart: meta.testStart, maxTrain: vision.maxTrainImages });
	const parts = validationRows(train, labels, meta.classes.length, config.validationFraction > 0 ? config.validationFraction : IMAGE_VALIDATION, config.seed);
	const result = await fitImages({ record, meta, labels, config, train: parts.train, validation: parts.validation, backboneUrl: request.backboneUrl, onEvent });
	return { score: trialScore(result.history, request.metric), history: result.history, started: 'scratch', backend, durationMs: performance.now() - started };
}

export async function textTrial(request: TrialRequest, onEvent: (event: JobEvent) => void): Promise<TrialOutcome> {
	const started = performance.now();
	const config = { ...request.config, epochs: request.budget, patience: 0 };
	const settings = textSettingsOf(config);
	if (settings.model.family === 'tfidf') throw new KilnError('SearchError', 'A search tunes the neural text classifiers; TF-IDF runs fit in one go on their own.');
	if (!(config.validationFraction > 0)) throw new KilnError('SearchError', 'A text search scores trials on validation texts: set a validation share above 0.');
	const backend = await backendFor(onEvent);
	fromScratch(request, onEvent);
	const table = await loadTable(await getDataset(request.datasetId));
	const runConfig = neuralRunConfig(settings.model, config);
	const vectors = settings.model.pretrained ? await shippedVectors(settings.model.pretrained.url, onEvent) : undefined;
	const tagged = settings.tagging ? taggedSentences(table, { sentence: settings.tagging.sentence, token: settings.column, tag: config.target }) : null;
	const run = tagged
		? await trainTagger(tagged.sentences, tagged.tags, runConfig, { onEvent, vectors })
		: await trainTextClassifier(columnStrings(table, settings.column, 'text column'), columnStrings(table, config.target, 'target'), runConfig, { onEvent, vectors });
	return { score: trialScore(run.history, request.metric), history: run.history, started: 'scratch', backend, durationMs: performance.now() - started };
}
