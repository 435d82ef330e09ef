import { editImageClasses, editImages, getDataset, readImageClassPage, readImageRows, saveImageDataset } from '$lib/db';
import * as Comlink from 'comlink';
import { KilnError } from '$shared/errors';
import { readImageSet } from '../lib/vision/image-set';
import type { SkippedFile, VisionDataApi } from '../protocol';
import { decodeImage } from './decode-image';
import { countClasses, decodeAll, expandZips, labelFiles } from './image-import';
import { isIdx, readIdxPairs } from './idx-import';

const SIZES = [28, 32, 64, 96];

export const visionDataHandlers: VisionDataApi = {
	async importImages({ projectId, name, files, size, channels }, onProgress) {
		if (!SIZES.includes(size)) throw new KilnError('ValidationError', `Images are stored at ${SIZES.join(', ')} px; ${size} is not one of them.`);
		if (channels !== 1 && channels !== 3) throw new KilnError('ValidationError', 'Images are stored as grayscale (1 channel) or RGB (3).');
		const skipped: SkippedFile[] = [];
		const all = await expandZips(files);
		if (all.some((f) => isIdx(f.path))) {
			// MNIST-style IDX files (e.g. the full 60,000-image Fashion-MNIST) are read as stored, not decoded.
			const idx = await readIdxPairs(all.filter((f) => isIdx(f.path)));
			onProgress?.({ done: idx.labels.length, total: idx.labels.length });
			const record = await saveImageDataset({ projectId, name, fileName: name, source: 'upload', meta: { ...idx.shape, classes: idx.classes, counts: idx.counts, testStart: idx.testStart, skipped }, pixels: idx.pixels, labels: idx.labels });
			return { datasetId: record.id, imported: idx.labels.length, classes: idx.classes, skipped };
		}
		const labelled = labelFiles(all, skipped);
		const shape = { height: size, width: size, channels };
		const decoded = await decodeAll(labelled, size * size * channels, (f) => decodeImage(f, shape), skipped, (done, total) => onProgress?.({ done, total }));
		const record = await saveImageDataset({
			projectId,
			name,
			fileName: name,
			source: 'upload',
			meta: { ...shape, classes: decoded.classes, counts: decoded.counts, skipped },
			pixels: decoded.pixels,
			labels: decoded.labels
		});
		return { datasetId: record.id, imported: decoded.labels.length, classes: decoded.classes, skipped };
	},
	async importImageSet({ projectId, file, fileName }, onProgress) {
		const set = readImageSet(await file.arrayBuffer(), fileName);
		onProgress?.({ done: set.count, total: set.count });
		const labels = Int32Array.from(set.labels);
		const record = await saveImageDataset({
			projectId,
			name: set.name,
			fileName,
			source: 'demo',
			meta: { ...set.shape, classes: set.classes, counts: countClasses(labels, set.classes.length), testStart: set.trainCount, skipped: [] },
			pixels: set.images,
			labels
		});
		return { datasetId: record.id, imported: set.count, classes: set.classes, skipped: [] };
	},
	async readImages(datasetId, rows) {
		return readImageRows(await getDataset(datasetId), rows);
	},
	async editImageClasses(datasetId, names) {
		await editImageClasses(await getDataset(datasetId), names);
	},
	async imageClassPage(datasetId, label, start, count) {
		const page = await readImageClassPage(await getDataset(datasetId), label, start, count);
		return Comlink.transfer(page, [page.pixels.buffer as ArrayBuffer]);
	},
	async editImages(datasetId, edit, version) {
		return (await editImages(datasetId, edit, version)).undo;
	}
};
