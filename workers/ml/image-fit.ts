import { imageMeta, readImageChunk, readImageLabels, type DatasetRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import { loadBackbone } from '../lib/vision/backbone';
import { cnnPreset, withDropout } from '../lib/vision/presets';
import { chunkedSource } from '../lib/vision/source';
import { trainCnn } from '../lib/vision/train-cnn';
import { trainTransfer } from '../lib/vision/transfer';
import type { CnnTrainOptions, CnnTrainResult } from '../lib/vision/types';
import type { ImageDatasetMeta, JobEvent, TrainConfig } from '../protocol';

/** Head epochs on the frozen features are cheap: the images are embedded once. */
export const HEAD_EPOCHS_MAX = 500;

async function fetchBackbone(url: string) {
	const get = async (name: string) => {
		const response = await fetch(new URL(name, url));
		if (!response.ok) throw new KilnError('ModelFormatError', `The shipped backbone file ${name} could not be loaded (HTTP ${response.status}).`);
		return response;
	};
	const json = await (await get('model.json')).json();
	return loadBackbone(json, await (await get('weights.bin')).arrayBuffer());
}

/** A stored image dataset: its meta and labels. */
export async function imageData(record: DatasetRecord): Promise<{ meta: ImageDatasetMeta; labels: Int32Array }> {
	return { meta: imageMeta(record), labels: await readImageLabels(record) };
}

export interface ImageFit {
	record: DatasetRecord;
	meta: ImageDatasetMeta;
	labels: Int32Array;
	config: TrainConfig;
	train: Int32Array;
	/** Rows scored every epoch for the curves (validation rows; a run stored with no validation share, its holdout). */
	validation: Int32Array;
	/** Rows the result's metrics score once at the end (a run's holdout); default `validation`. */
	scored?: Int32Array;
	backboneUrl?: string;
	onEvent: (event: JobEvent) => void;
	/** Scratch CNNs only: resume and periodic checkpoints. */
	checkpoints?: Pick<CnnTrainOptions, 'resume' | 'checkpointInterval' | 'onCheckpoint'>;
}

/**
 * Fit an image run's model as its config says (a scratch preset with a cosine rate, or transfer
 * on the shipped backbone), streaming batches from IndexedDB through a bounded cache so memory
 * stays flat however many images. Image runs and image search trials both train here.
 */
export async function fitImages(fit: ImageFit): Promise<CnnTrainResult> {
	const { config, meta, record, labels } = fit;
	const vision = config.vision;
	if (!vision) throw new KilnError('TrainingError', 'This run has no image settings.');
	const shape = { height: meta.height, width: meta.width, channels: meta.channels };
	const source = chunkedSource({ shape, count: record.rowCount, chunkSize: record.chunkRows, cacheBytes: 64 * 2 ** 20, readChunk: async (i) => (await readImageChunk(record, i)).pixels });
	const augment = Object.fromEntries(Object.entries(vision.augment).filter(([, v]) => v > 0));
	const common = { batchSize: config.batchSize, lr: config.learningRate, seed: config.seed, train: fit.train, validation: fit.validation, ...(fit.scored ? { scored: fit.scored } : {}), classNames: meta.classes, onEvent: fit.onEvent };
	if (vision.mode === 'transfer') {
		if (shape.height !== 28 || shape.width !== 28 || shape.channels !== 1) throw new KilnError('TrainingError', `The shipped backbone takes 28×28 grayscale images; these are ${shape.height}×${shape.width}×${shape.channels}. Import them at 28 px grayscale, or train from scratch.`);
		if (!fit.backboneUrl) throw new KilnError('TrainingError', 'The backbone’s address is missing.');
		if (config.epochs > HEAD_EPOCHS_MAX) throw new KilnError('TrainingError', `Head epochs must be at most ${HEAD_EPOCHS_MAX}.`);
		const backbone = await fetchBackbone(fit.backboneUrl);
		try {
			return await trainTransfer(backbone.model, source, labels, meta.classes.length, { ...common, epochs: 1, headEpochs: config.epochs, fineTuneEpochs: vision.fineTuneEpochs, augment });
		} finally {
			backbone.model.dispose();
		}
	}
	const spec = withDropout(cnnPreset(vision.preset, shape, meta.classes.length), vision.dropout);
	return trainCnn(spec, source, labels, { ...common, epochs: config.epochs, lrSchedule: 'cosine', augment, ...fit.checkpoints });
}
