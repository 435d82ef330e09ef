import { strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageDatasetMeta, Preprocessing, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { deserializeModel, serializeModel } from '$workers/lib/model';
import { buildCnn } from '$workers/lib/vision/cnn';
import { cnnPreset } from '$workers/lib/vision/presets';
import { predictImages } from '$workers/lib/vision/evaluate';
import { loadImageSet } from '$workers/lib/vision/vision.spec-support';
import { useCpu } from '../../../tests/unit-support';
import { BUNDLE_FORMAT_VERSION, readBundle, writeBundle } from './bundle';
import type { BundleChunk, BundleData } from './types';

beforeAll(useCpu);

const COUNT = 100;
const CHUNK = 32;

async function imageBundle(): Promise<{ data: BundleData; pixels: Uint8Array; labels: Int32Array }> {
	const set = loadImageSet('digits-28.kimg.gz');
	const size = 28 * 28;
	const pixels = set.images.slice(0, COUNT * size);
	const labels = Int32Array.from(set.labels.subarray(0, COUNT));
	const chunks: BundleChunk[] = [];
	for (let start = 0, index = 0; start < COUNT; start += CHUNK, index++) {
		const end = Math.min(COUNT, start + CHUNK);
		chunks.push({ index, rowCount: end - start, columns: [pixels.slice(start * size, end * size).buffer, labels.slice(start, end).buffer] });
	}
	const counts = set.classes.map((_, k) => labels.filter((l) => l === k).length);
	const images: ImageDatasetMeta = { height: 28, width: 28, channels: 1, classes: set.classes, counts, skipped: [{ file: 'notes.txt', reason: 'not an image file' }] };
	const net = buildCnn(cnnPreset('tiny', set.shape, 10), 4);
	const artifacts = await serializeModel(net);
	net.dispose();
	const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'label', task: 'classification', features: [], vision: { mode: 'scratch', preset: 'tiny', augment: { flip: 0, rotate: 0, shift: 0, brightness: 0, contrast: 0, noise: 0 }, maxTrainImages: 0, fineTuneEpochs: 0 } };
	const preprocessing: Preprocessing = { features: [], target: { name: 'label', task: 'classification', classes: set.classes }, inputSize: 784, image: { height: 28, width: 28, channels: 1 } };
	const t = Date.UTC(2026, 10, 26);
	return {
		pixels,
		labels,
		data: {
			project: { id: 'p', name: 'Digits', createdAt: t, updatedAt: t, datasetId: 'd', target: 'label', task: 'classification', lastConfig: config },
			datasets: [{ id: 'd', projectId: 'p', name: 'Digits', fileName: 'digits-28.kimg.gz', source: 'demo', rowCount: COUNT, columns: [], profile: [], chunkRows: CHUNK, chunkCount: chunks.length, bytes: pixels.length + labels.byteLength, createdAt: t, images, chunks }],
			runs: [{ id: 'r', projectId: 'p', datasetId: 'd', config, status: 'done', createdAt: t, finishedAt: t, history: [], modelId: 'm' }],
			models: [{ id: 'm', runId: 'r', projectId: 'p', createdAt: t, artifacts, preprocessing }]
		}
	};
}

function join(chunks: BundleChunk[], column: number): Uint8Array {
	return Uint8Array.from(chunks.flatMap((c) => Array.from(new Uint8Array(c.columns[column]))));
}

describe('bundles with image datasets (format 2)', () => {
	it('round-trips the pixels, labels, class names, the image run and a model that predicts the same', async () => {
		const { data, pixels, labels } = await imageBundle();
		const back = readBundle(writeBundle(data, { kilnVersion: '0.3.0', createdAt: Date.UTC(2026, 10, 26) }));
		expect(back.manifest.formatVersion).toBe(BUNDLE_FORMAT_VERSION);
		expect(back.manifest.includesRows).toBe(true);
		const d = back.datasets[0];
		expect(d.images).toEqual(data.datasets[0].images);
		expect(d.chunks!.map((c) => c.rowCount)).toEqual([32, 32, 32, 4]);
		expect(join(d.chunks!, 0)).toEqual(pixels);
		expect(new Int32Array(join(d.chunks!, 1).buffer)).toEqual(labels);
		expect(back.runs[0].config.vision).toEqual(data.runs[0].config.vision);
		const model = back.models[0];
		expect(model.preprocessing).toEqual(data.models[0].preprocessing);
		const [before, after] = await Promise.all([deserializeModel(data.models[0].artifacts), deserializeModel(model.artifacts)]);
		expect(await predictImages(after, pixels, COUNT)).toEqual(await predictImages(before, pixels, COUNT));
		before.dispose();
		after.dispose();
	});

	it('names a damaged image chunk or description', async () => {
		const { data } = await imageBundle();
		const files = unzipSync(writeBundle(data, { kilnVersion: '0.3.0', createdAt: Date.UTC(2026, 10, 26) }));
		const error = (edit: (f: Record<string, Uint8Array>) => void) => {
			const copy = { ...files };
			edit(copy);
			try {
				readBundle(zipSync(copy));
				return '';
			} catch (e) {
				return (e as Error).message;
			}
		};
		expect(error((f) => (f['datasets/0/chunks/1/0.bin'] = f['datasets/0/chunks/1/0.bin'].slice(1)))).toMatch(/"datasets\/0\/chunks\/1\/0.bin" has 25087 bytes; 32 images of 28×28×1 need 25088/);
		expect(error((f) => (f['datasets/0/chunks/0/1.bin'] = new Uint8Array(new Int32Array(32).fill(10).buffer)))).toMatch(/image 1 has label 10, outside the 10 classes/);
		const json = (path: string, change: (o: { images: { channels: number; counts: number[] }; inputSize: number }) => void) => (f: Record<string, Uint8Array>) => {
			const o = JSON.parse(new TextDecoder().decode(f[path]));
			change(o);
			f[path] = strToU8(JSON.stringify(o));
		};
		expect(error(json('datasets/0/dataset.json', (o) => (o.images.channels = 2)))).toMatch(/images.channels must be 1 \(grayscale\) or 3 \(RGB\)/);
		expect(error(json('datasets/0/dataset.json', (o) => (o.images.counts[0] += 1)))).toMatch(/images.counts add up to 101, but the dataset has 100 images/);
		expect(error(json('models/0/preprocessing.json', (o) => (o.inputSize = 100)))).toMatch(/inputSize is 100, but 28×28×1 images have 784 values/);
	});
});
