// Node-only helpers for the vision specs; never imported by a worker.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readImageSet, type ImageSet } from './image-set';
import { arraySource } from './source';
import type { ImageSource } from './types';

const cache = new Map<string, ImageSet>();

/** A shipped image set from static/datasets/images/. */
export function loadImageSet(file: string): ImageSet {
	let set = cache.get(file);
	if (!set) {
		set = readImageSet(readFileSync(fileURLToPath(new URL(`../../../static/datasets/images/${file}`, import.meta.url))), file);
		cache.set(file, set);
	}
	return set;
}

/** Rows [from, to) of a set as an in-memory source with its labels. */
export function slice(set: ImageSet, from: number, to: number): { source: ImageSource; labels: Int32Array } {
	const size = set.shape.height * set.shape.width * set.shape.channels;
	return { source: arraySource(set.images.subarray(from * size, to * size), to - from, set.shape), labels: Int32Array.from(set.labels.subarray(from, to)) };
}

/** The training prefix and test split of a set as one source: train rows first, then `test` test rows. */
export function trainAndTest(set: ImageSet, train: number, test: number): { source: ImageSource; labels: Int32Array; trainRows: Int32Array; testRows: Int32Array } {
	const size = set.shape.height * set.shape.width * set.shape.channels;
	const images = new Uint8Array((train + test) * size);
	images.set(set.images.subarray(0, train * size));
	images.set(set.images.subarray(set.trainCount * size, (set.trainCount + test) * size), train * size);
	const labels = new Int32Array(train + test);
	labels.set(set.labels.subarray(0, train));
	labels.set(set.labels.subarray(set.trainCount, set.trainCount + test), train);
	return {
		source: arraySource(images, train + test, set.shape),
		labels,
		trainRows: Int32Array.from({ length: train }, (_, i) => i),
		testRows: Int32Array.from({ length: test }, (_, i) => train + i)
	};
}
