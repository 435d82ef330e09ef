import type { ImageShapeInfo, ModelArtifacts, Preprocessing, TrainConfig, VariantRow, CompressRequest } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { toFloatImages } from '$workers/lib/vision/evaluate';
import { checkExportable } from './image-export';
import { compressRun, type CompressOptions, type EncodedPart } from './variants';

/**
 * The image data source for the trade-off table: an image run's training and holdout images as
 * the float [0, 1] NHWC rows its CNN takes, so variants.ts builds and measures the same variants
 * (float16, int8, magnitude- and structured-pruned) for a CNN as for an MLP.
 */

/** Fine-tuning a CNN in the browser is slow; this many training images are plenty for a few epochs. */
export const FINE_TUNE_IMAGES = 4000;

export type ReadImages = (rows: Int32Array) => Promise<{ pixels: Uint8Array; labels: Int32Array }>;

/** At most `max` of `rows`, spread evenly (same rows every time: the split is already seeded). */
export function spreadRows(rows: Int32Array, max: number): Int32Array {
	if (rows.length <= max) return rows;
	return Int32Array.from({ length: max }, (_, i) => rows[Math.floor((i * rows.length) / max)]);
}

export function imagePart(rows: Int32Array, pixels: Uint8Array, labels: Int32Array, image: ImageShapeInfo): EncodedPart {
	const size = image.height * image.width * image.channels;
	if (pixels.length !== rows.length * size || labels.length !== rows.length) throw new KilnError('ValidationError', `Expected ${rows.length} images of ${size} bytes with a label each; got ${pixels.length} bytes and ${labels.length} labels.`);
	return { rows, x: toFloatImages(pixels), y: labels, shape: [image.height, image.width, image.channels] };
}

/** Read the run's images (holdout whole; training capped at `maxTrain`) as model inputs. */
export async function imageRunSplit(read: ReadImages, split: { train: Int32Array; holdout: Int32Array }, image: ImageShapeInfo, maxTrain = FINE_TUNE_IMAGES): Promise<{ train: EncodedPart; holdout: EncodedPart }> {
	const trainRows = spreadRows(split.train, maxTrain);
	const train = await read(trainRows);
	const holdout = await read(split.holdout);
	return { train: imagePart(trainRows, train.pixels, train.labels, image), holdout: imagePart(split.holdout, holdout.pixels, holdout.labels, image) };
}

/** Kiln's RunModel for an image model: its stored preprocessing must carry the image shape. */
export function imageRunModel(artifacts: ModelArtifacts, preprocessing: Preprocessing | undefined): { artifacts: ModelArtifacts; preprocessing: Preprocessing } {
	if (!preprocessing?.image || preprocessing.target.task !== 'classification') throw new KilnError('ExportError', 'This model has no image settings; only image classifiers go through the image path.');
	return { artifacts, preprocessing };
}

/** Every variant of an image run, measured on its holdout images; the model must be exportable. */
export async function compressImageRun(model: { artifacts: ModelArtifacts; preprocessing: Preprocessing }, config: TrainConfig, split: { train: EncodedPart; holdout: EncodedPart }, request: CompressRequest, options: CompressOptions): Promise<VariantRow[]> {
	await checkExportable(model.artifacts);
	return compressRun(model, config, split, request, options);
}
