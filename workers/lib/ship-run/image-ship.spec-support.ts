// Node-only helpers for the image ship specs: a small CNN trained for real on a fashion-mnist slice.
import { trainCnn } from '$workers/lib/vision/train-cnn';
import type { CnnSpec } from '$workers/lib/vision/types';
import { loadImageSet, trainAndTest } from '$workers/lib/vision/vision.spec-support';
import type { ImageRunModel } from './image-export';

/** Small and quick on wasm: 28 → 13 → 5 px, then a dense layer (what pruning works on). */
export const SPEC: CnnSpec = {
	input: { height: 28, width: 28, channels: 1 },
	classes: 10,
	layers: [
		{ type: 'conv2d', filters: 8, kernel: 3, stride: 2, padding: 'valid', activation: 'relu' },
		{ type: 'conv2d', filters: 16, kernel: 3, padding: 'valid', activation: 'relu' },
		{ type: 'maxPool', size: 2 },
		{ type: 'flatten' },
		{ type: 'dense', units: 32, activation: 'relu' }
	]
};

let cached: Promise<Awaited<ReturnType<typeof build>>> | null = null;

async function build() {
	const set = loadImageSet('fashion-mnist-22k.kimg.gz');
	const data = trainAndTest(set, 600, 200);
	const trained = await trainCnn(SPEC, data.source, data.labels, { epochs: 3, batchSize: 32, lr: 0.003, seed: 5, train: data.trainRows, validation: data.testRows });
	const model: ImageRunModel = { artifacts: trained.model, image: set.shape, classes: set.classes };
	return { set, ...data, trained, model };
}

/** Trained once per spec file (600 training images, 3 epochs, seed 5). */
export function trainedFashionCnn() {
	cached ??= build();
	return cached;
}
