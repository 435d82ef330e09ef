import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProject, createRun, finishRun, getDataset, imageMeta, listDatasets, listRuns, getModel, readImageRows, saveImageDataset } from '$lib/db';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { serializeModel } from '$workers/lib/model';
import { useCpu } from '$workers/lib/share/share.spec-support';
import { buildCnn } from '$workers/lib/vision/cnn';
import { cnnPreset } from '$workers/lib/vision/presets';
import { loadImageSet } from '$workers/lib/vision/vision.spec-support';
import type { TrainConfig } from '$workers/protocol';
import { shipHandlers } from './ship';

// An image project (digits slice, an image run with its CNN) through the data worker's bundle
// export and import: pixels, labels, class names and the model come back in a new project.

const COUNT = 150;
let projectId: string;
let pixels: Uint8Array;
let labels: Int32Array;

beforeAll(async () => {
	await useCpu();
	const set = loadImageSet('digits-28.kimg.gz');
	pixels = set.images.slice(0, COUNT * 784);
	labels = Int32Array.from(set.labels.subarray(0, COUNT));
	projectId = (await createProject('Digits')).id;
	const counts = set.classes.map((_, k) => labels.filter((l) => l === k).length);
	const dataset = await saveImageDataset({ projectId, name: 'Digits', fileName: 'digits-28.kimg.gz', source: 'demo', meta: { height: 28, width: 28, channels: 1, classes: set.classes, counts, testStart: 120, skipped: [] }, pixels, labels });
	const net = buildCnn(cnnPreset('tiny', set.shape, 10), 2);
	const model = await serializeModel(net);
	net.dispose();
	const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'label', task: 'classification', features: [], vision: { mode: 'scratch', preset: 'tiny', augment: { flip: 0, rotate: 0, shift: 0, brightness: 0, contrast: 0, noise: 0 }, maxTrainImages: 0, fineTuneEpochs: 0 } };
	const run = await createRun({ projectId, datasetId: dataset.id, config });
	await finishRun(run, {
		model,
		preprocessing: { features: [], target: { name: 'label', task: 'classification', classes: set.classes }, inputSize: 784, image: set.shape },
		metrics: { task: 'classification', accuracy: 0.1, macroF1: 0.05, classes: set.classes, confusion: set.classes.map(() => set.classes.map(() => 3)), support: 30 },
		history: [],
		backend: 'cpu',
		trainRows: 120,
		validationRows: 0,
		holdoutRows: 30,
		droppedRows: 0,
		durationMs: 10,
		samplesPerSecond: 1,
		bestEpoch: 0,
		stoppedEarly: false
	});
});

describe('a project bundle with an image dataset', () => {
	it('exports the images and the image run, and imports them back as a new project', async () => {
		const out = await shipHandlers.exportBundle({ projectId, includeRows: true });
		expect(out).toMatchObject({ datasets: 1, runs: 1, models: 1, rows: COUNT, leftOut: 0 });
		const back = await shipHandlers.importBundle(new Blob([await out.zip.arrayBuffer()]));
		expect(back).toMatchObject({ datasets: 1, runs: 1, models: 1, rows: COUNT, includesRows: true, upgraded: [] });
		const [dataset] = await listDatasets(back.projectId);
		const record = await getDataset(dataset.id);
		expect(imageMeta(record)).toMatchObject({ height: 28, width: 28, channels: 1, testStart: 120 });
		const rows = Int32Array.from({ length: COUNT }, (_, i) => i);
		const restored = await readImageRows(record, rows);
		expect(restored.pixels).toEqual(pixels);
		expect(restored.labels).toEqual(labels);
		const [run] = await listRuns(back.projectId);
		expect(run.config.vision?.preset).toBe('tiny');
		expect((await getModel(run.modelId!)).preprocessing?.image).toEqual({ height: 28, width: 28, channels: 1 });
	});
});
