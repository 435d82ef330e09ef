import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { JobEvent, TrainCheckpoint } from '$workers/protocol';
import { useWasm } from '$workers/lib/kernels/wasm.spec-support';
import { trainCnn } from './train-cnn';
import { arraySource, chunkedSource } from './source';
import { cnnPreset, PRESETS } from './presets';
import { createRng } from '$workers/lib/random';
import type { CnnSpec } from './types';
import { loadImageSet, trainAndTest } from './vision.spec-support';

/** Small and quick on wasm: 28 → 13 → 5 px. */
const SPEC: CnnSpec = {
	input: { height: 28, width: 28, channels: 1 },
	classes: 10,
	layers: [
		{ type: 'conv2d', filters: 8, kernel: 3, stride: 2, padding: 'valid', activation: 'relu' },
		{ type: 'conv2d', filters: 16, kernel: 3, padding: 'valid', activation: 'relu' },
		{ type: 'maxPool', size: 2 },
		{ type: 'flatten' },
		{ type: 'dropout', rate: 0.2 },
		{ type: 'dense', units: 32, activation: 'relu' }
	]
};

describe('trainCnn', () => {
	it('learns the digits (600 training images, 6 epochs: ≥ 0.9 on the 359 test images)', async () => {
		await useWasm();
		const { source, labels, trainRows, testRows } = trainAndTest(loadImageSet('digits-28.kimg.gz'), 600, 359);
		const events: JobEvent[] = [];
		const before = tf.memory().numTensors;
		const result = await trainCnn(SPEC, source, labels, { epochs: 6, batchSize: 32, lr: 0.003, seed: 1, train: trainRows, validation: testRows, onEvent: (e) => events.push(e) });
		expect(result.backend).toBe('wasm');
		expect(result.metrics!.accuracy).toBeGreaterThanOrEqual(0.9);
		expect(result.history).toHaveLength(6);
		expect(result.history[5].trainLoss).toBeLessThan(result.history[0].trainLoss);
		expect(result.history[5].valMetric).toBeCloseTo(result.metrics!.accuracy, 6);
		expect(result.metrics!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(359);
		expect(result.metrics!.predictions).toHaveLength(359);
		expect(events.filter((e) => e.type === 'metric')).toHaveLength(6);
		expect(events.at(-1)).toEqual({ type: 'done' });
		// Every tensor made during training is gone: memory is flat across epochs.
		expect(tf.memory().numTensors).toBe(before);
		console.log(`digits spec: test accuracy ${result.metrics!.accuracy.toFixed(4)}, ${Math.round(result.samplesPerSecond)} samples/s on wasm`);
	});

	it('gives the same run from the same seed (augmentation and dropout included) and another from another seed', async () => {
		await useWasm();
		const { source, labels } = trainAndTest(loadImageSet('digits-28.kimg.gz'), 96, 0);
		const run = (seed: number) => trainCnn(SPEC, source, labels, { epochs: 2, batchSize: 32, lr: 0.003, seed, augment: { rotate: 10, shift: 0.1, noise: 5 } });
		const [a, b, c] = [await run(3), await run(3), await run(4)];
		expect(b.history.map((h) => h.trainLoss)).toEqual(a.history.map((h) => h.trainLoss));
		expect(new Float32Array(b.model.weightData)).toEqual(new Float32Array(a.model.weightData));
		expect(c.history[0].trainLoss).not.toBe(a.history[0].trainLoss);
	});

	it('scores its curves on the validation rows and its metrics once on the scored rows (a run\'s holdout)', async () => {
		await useWasm();
		const { source, labels, trainRows, testRows } = trainAndTest(loadImageSet('digits-28.kimg.gz'), 200, 250);
		const [validation, scored] = [testRows.subarray(0, 100), testRows.subarray(100)];
		const options = { epochs: 2, batchSize: 32, lr: 0.003, seed: 5, train: trainRows, validation };
		const result = await trainCnn(SPEC, source, labels, { ...options, scored });
		expect(Array.from(result.metrics!.rows!)).toEqual(Array.from(scored));
		expect(result.metrics!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(150);
		expect(result.validationRows).toBe(100);
		// The same seeded run without `scored` reports the validation rows: its accuracy is the last curve point.
		const onValidation = await trainCnn(SPEC, source, labels, options);
		expect(Array.from(onValidation.metrics!.rows!)).toEqual(Array.from(validation));
		expect(result.history.map((h) => h.valMetric)).toEqual(onValidation.history.map((h) => h.valMetric));
		expect(result.history[1].valMetric).toBeCloseTo(onValidation.metrics!.accuracy, 6);
	});

	it('resumes from a checkpoint to exactly where an uninterrupted run ends', async () => {
		await useWasm();
		const { source, labels } = trainAndTest(loadImageSet('digits-28.kimg.gz'), 96, 0);
		const options = { epochs: 3, batchSize: 32, lr: 0.003, lrSchedule: 'cosine' as const, seed: 9, augment: { flip: 0.5 } };
		const whole = await trainCnn(SPEC, source, labels, options);
		let checkpoint: TrainCheckpoint | undefined;
		await trainCnn(SPEC, source, labels, { ...options, checkpointInterval: 0, onCheckpoint: (c) => { if (c.epoch === 1) checkpoint = c; } });
		expect(checkpoint?.epoch).toBe(1);
		const resumed = await trainCnn(SPEC, source, labels, { ...options, resume: checkpoint });
		expect(resumed.history.map((h) => h.trainLoss)).toEqual(whole.history.map((h) => h.trainLoss));
		expect(new Float32Array(resumed.model.weightData)).toEqual(new Float32Array(whole.model.weightData));
	});

	it('streams from chunks through a bounded cache and stops within one batch when cancelled', async () => {
		await useWasm();
		const set = loadImageSet('digits-28.kimg.gz');
		const chunks: number[] = [];
		const source = chunkedSource({ shape: set.shape, count: 320, chunkSize: 32, cacheBytes: 3 * 32 * 784, readChunk: async (c) => (chunks.push(c), set.images.slice(c * 32 * 784, (c + 1) * 32 * 784)) });
		const labels = Int32Array.from(set.labels.subarray(0, 320));
		await trainCnn(SPEC, source, labels, { epochs: 2, batchSize: 32, lr: 0.003, seed: 2 });
		expect(source.stats.cachedBytes).toBeLessThanOrEqual(3 * 32 * 784);
		// Chunk-local shuffling: about one read per chunk per epoch, not one per image.
		expect(chunks.length).toBeLessThanOrEqual(2 * 10 + 4);
		const controller = new AbortController();
		let batches = 0;
		const run = trainCnn(SPEC, source, labels, {
			epochs: 5,
			batchSize: 32,
			lr: 0.003,
			seed: 2,
			progressInterval: 0,
			signal: controller.signal,
			onEvent: (e) => e.type === 'progress' && ++batches === 2 && controller.abort()
		});
		await expect(run).rejects.toThrow(expect.objectContaining({ name: 'AbortError' }));
		expect(batches).toBe(2);
	});

	it('trains every preset on wasm, on grayscale and RGB images', async () => {
		await useWasm();
		const gray = { height: 28, width: 28, channels: 1 };
		const rgb = { height: 32, width: 32, channels: 3 };
		const rng = createRng(5);
		for (const [name, input] of [['tiny', rgb], ['small', gray], ['medium', rgb], ['mobilenet', gray]] as const) {
			const images = Uint8Array.from({ length: 4 * input.height * input.width * input.channels }, () => Math.floor(rng() * 256));
			const result = await trainCnn(cnnPreset(name, input, 3), arraySource(images, 4, input), Int32Array.from([0, 1, 2, 0]), { epochs: 1, batchSize: 4, lr: 0.001, seed: 1 });
			expect(Number.isFinite(result.history[0].trainLoss), name).toBe(true);
		}
		expect(PRESETS.map((p) => p.name)).toEqual(['tiny', 'small', 'medium', 'mobilenet']);
	});

	it('refuses labels and images that do not fit the model, with a message', async () => {
		await useWasm();
		const { source, labels } = trainAndTest(loadImageSet('digits-28.kimg.gz'), 40, 0);
		await expect(trainCnn(SPEC, source, labels.subarray(0, 39), { epochs: 1, batchSize: 8, lr: 0.01, seed: 1 })).rejects.toThrow(/39 labels for 40 images/);
		await expect(trainCnn({ ...SPEC, classes: 5 }, source, labels, { epochs: 1, batchSize: 8, lr: 0.01, seed: 1 })).rejects.toThrow(/has label \d, but the model has classes 0–4/);
		await expect(trainCnn({ ...SPEC, input: { height: 32, width: 32, channels: 3 } }, source, labels, { epochs: 1, batchSize: 8, lr: 0.01, seed: 1 })).rejects.toThrow(/expects 32×32×3 images, but the images are 28×28×1/);
	});
});
