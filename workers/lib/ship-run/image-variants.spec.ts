import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Preprocessing, TrainConfig, VariantRow } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { useWasm } from '$workers/lib/kernels/wasm.spec-support';
import { serializeModel } from '$workers/lib/model';
import { weightStats, type OrtRuntime } from '$workers/lib/ship';
import { buildCnn } from '$workers/lib/vision/cnn';
import { cnnPreset } from '$workers/lib/vision/presets';
import { compressImageRun, imageRunModel, imageRunSplit, spreadRows } from './image-variants';
import { pruneOneShot } from './prune-one-shot';
import { trainedFashionCnn } from './image-ship.spec-support';

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'error';
const ort = ortWeb as unknown as OrtRuntime;

beforeAll(useWasm);

const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'label', task: 'classification', features: [], batchSize: 32, learningRate: 0.001, seed: 3 };

async function setup() {
	const { set, source, labels, trainRows, testRows, trained, model } = await trainedFashionCnn();
	const preprocessing: Preprocessing = { features: [], target: { name: 'label', task: 'classification', classes: set.classes }, inputSize: 784, image: set.shape };
	const read = async (rows: Int32Array) => ({ pixels: await source.getBatch(rows), labels: Int32Array.from(rows, (r) => labels[r]) });
	const split = await imageRunSplit(read, { train: trainRows, holdout: testRows }, set.shape, 300);
	return { trained, run: imageRunModel(model.artifacts, preprocessing), split, preprocessing };
}

describe('compression variants of an image run', () => {
	it('measures float32, float16, int8, pruned (with and without fine-tuning) and structured variants of a trained CNN', async () => {
		const { trained, run, split } = await setup();
		expect(split.train.rows.length).toBe(300);
		expect(split.holdout.shape).toEqual([28, 28, 1]);
		const skipped: string[] = [];
		const rows = await compressImageRun(run, config, split, { runId: 'r', sparsities: [0.5], fineTuneEpochs: 3, repeats: 2, oneShot: true, structured: [0.5] }, { ort, ortBackend: 'wasm', onSkip: (label) => skipped.push(label) });
		expect(skipped).toEqual([]);
		const byId = Object.fromEntries(rows.map((r) => [r.id, r])) as Record<string, VariantRow>;
		expect(Object.keys(byId)).toEqual(['float32', 'float16', 'int8', 'pruned-50-once', 'pruned-50', 'pruned-50-int8', 'structured-50', 'structured-50-int8']);
		const original = byId.float32;
		// the table's float32 row is the run's own holdout accuracy, in tfjs and in ORT alike
		expect(original.tfjs!.metric).toBeCloseTo(trained.metrics!.accuracy, 6);
		expect(original.onnx!.metric).toBeCloseTo(original.tfjs!.metric, 6);
		expect(byId.int8.onnx!.fileBytes).toBeLessThan(original.onnx!.fileBytes / 3.3);
		expect(byId.float16.tfjs!.fileBytes).toBeLessThan(original.tfjs!.fileBytes * 0.6);
		// int8 costs little accuracy on a CNN
		expect(Math.abs(byId.int8.onnx!.metric - original.onnx!.metric)).toBeLessThanOrEqual(0.03);
		// pruned kernels really hold ~50% zeros (biases are kept), in both pruned rows
		for (const id of ['pruned-50-once', 'pruned-50']) expect(byId[id].nonZero / original.nonZero).toBeLessThan(0.52);
		expect(byId['pruned-50-int8'].onnx!.deflatedBytes).toBeLessThan(byId.int8.onnx!.deflatedBytes * 0.8);
		// whole filters and units removed: fewer parameters, not just zeros
		expect(byId['structured-50'].params).toBeLessThan(original.params * 0.6);
		// and a byte each: the raw file, not only its deflated copy, is over 4× smaller
		console.log(`structured 50 % + int8: ${original.onnx!.fileBytes} → ${byId['structured-50-int8'].onnx!.fileBytes} bytes raw`);
		expect(byId['structured-50-int8'].onnx!.fileBytes).toBeLessThan(original.onnx!.fileBytes / 4);
		// fine-tuned variants keep most of the accuracy (three epochs on 300 images)
		for (const id of ['float16', 'int8', 'pruned-50', 'pruned-50-int8', 'structured-50', 'structured-50-int8']) expect(byId[id].tfjs!.metric).toBeGreaterThan(original.tfjs!.metric - 0.15);
	});

	it('one-shot pruning zeroes the exact share of each kernel; a model structured pruning cannot rebuild is skipped with the reason', async () => {
		const net = buildCnn(cnnPreset('mobilenet', { height: 28, width: 28, channels: 1 }, 3), 1);
		const pruned = weightStats(await pruneOneShot(await serializeModel(net), 0.5));
		net.dispose();
		for (const w of pruned.weights) if (/kernel$/.test(w.name)) expect(w.sparsity).toBeCloseTo(Math.floor(0.5 * w.params) / w.params, 6);
		expect(spreadRows(Int32Array.from({ length: 10 }, (_, i) => i * 2), 4)).toEqual(Int32Array.from([0, 4, 10, 14]));
		// a functional (non-Sequential) model: the other variants are still measured
		const input = tfl.input({ shape: [8, 8, 1] });
		const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
		const hidden = tfl.layers.dense({ units: 6, activation: 'relu' }).apply(tfl.layers.flatten().apply(conv)) as tfl.SymbolicTensor;
		const functional = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 3 }).apply(hidden) as tfl.SymbolicTensor });
		const artifacts = await serializeModel(functional);
		functional.dispose();
		const image = { height: 8, width: 8, channels: 1 };
		const preprocessing: Preprocessing = { features: [], target: { name: 'label', task: 'classification', classes: ['a', 'b', 'c'] }, inputSize: 64, image };
		const part = { rows: Int32Array.from({ length: 12 }, (_, i) => i), x: new Float32Array(12 * 64).map((_, i) => (i % 7) / 7), y: Int32Array.from({ length: 12 }, (_, i) => i % 3), shape: [8, 8, 1] };
		const skipped: { label: string; reason: string }[] = [];
		const rows = await compressImageRun(imageRunModel(artifacts, preprocessing), config, { train: part, holdout: part }, { runId: 'r', sparsities: [], fineTuneEpochs: 1, repeats: 1, structured: [0.5] }, { ort, ortBackend: 'wasm', onSkip: (label, reason) => skipped.push({ label, reason }) });
		expect(rows.map((r) => r.id)).toEqual(['float32', 'float16', 'int8']);
		expect(skipped).toEqual([{ label: '50% of filters / units removed', reason: expect.stringMatching(/Sequential/) }]);
	});
});
