import { unzipSync, strFromU8 } from 'fflate';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ClassificationMetrics, Table, TrainConfig, VariantRow } from '$workers/protocol';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { trainModel } from '$workers/lib/train';
import { parseSidecar, quantizeOnnxWeights, type OrtRuntime } from '$workers/lib/ship';
import { checkOnnx, modelOnnx, pipelineOnnx, tfjsZip, type RunModel } from './export-run';
import { compressRun, runSplit } from './variants';

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'error';
const ort = ortWeb as unknown as OrtRuntime;

beforeAll(useCpu);

async function trained(file: string, target: string, task: 'classification' | 'regression', overrides: Partial<TrainConfig> = {}) {
	const table: Table = loadDataset(file);
	const features = table.columns.map((c) => c.name).filter((n) => n !== target);
	const config: TrainConfig = { ...DEFAULT_CONFIG, target, task, features, epochs: 40, ...overrides };
	const result = await trainModel(table, config);
	const model: RunModel = { artifacts: result.model, preprocessing: result.preprocessing };
	return { table, config, result, model, split: runSplit(table, config, model) };
}

describe('ONNX export of a run, checked in onnxruntime-web', () => {
	it('iris: the pipeline graph gives the tfjs probabilities on every holdout row', async () => {
		const { table, model, split, result } = await trained('iris.csv', 'species', 'classification');
		expect(split.holdout.rows.length).toBe(result.holdoutRows);
		const onnx = await pipelineOnnx(model);
		const check = await checkOnnx(ort, onnx, model, table, split.holdout.rows, 'onnxruntime-web wasm');
		expect(check.compared).toBe('probabilities');
		expect(check.rows).toBe(result.holdoutRows);
		expect(check.maxAbsDiff).toBeLessThan(1e-4);
		expect(check.agreed).toBe(check.rows);
		// int8 weights inside the same pipeline still run and mostly agree
		const int8 = await pipelineOnnx(model, quantizeOnnxWeights(await modelOnnx(model)));
		const q = await checkOnnx(ort, int8, model, table, split.holdout.rows, 'onnxruntime-web wasm');
		expect(q.maxAbsDiff).toBeGreaterThan(0);
		expect(q.agreed / q.rows).toBeGreaterThanOrEqual(0.9);
	});

	it('a regression run compares predictions in the target units', async () => {
		const { table, model, split } = await trained('wine.csv', 'alcohol', 'regression', { epochs: 10 });
		const check = await checkOnnx(ort, await pipelineOnnx(model), model, table, split.holdout.rows, 'web');
		expect(check.compared).toBe('prediction');
		expect(check.maxAbsDiff).toBeLessThan(1e-3);
		expect(check.agreed).toBe(check.rows);
	});

	it('the tfjs zip loads back in tfjs and predicts the same; the sidecar parses', async () => {
		const { model, split } = await trained('iris.csv', 'species', 'classification');
		const files = unzipSync(tfjsZip(model, 'note'));
		expect(Object.keys(files).sort()).toEqual(['README.txt', 'model.json', 'preprocessing.json', 'weights.bin']);
		const json = JSON.parse(strFromU8(files['model.json']));
		const loaded = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: files['weights.bin'].slice().buffer }));
		const original = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: model.artifacts.modelTopology, weightSpecs: model.artifacts.weightSpecs as tf.io.WeightsManifestEntry[], weightData: model.artifacts.weightData }));
		const x = tf.tensor2d(split.holdout.x, [split.holdout.rows.length, model.preprocessing.inputSize]);
		expect((loaded.predict(x) as tf.Tensor).arraySync()).toEqual((original.predict(x) as tf.Tensor).arraySync());
		expect(parseSidecar(JSON.parse(strFromU8(files['preprocessing.json']))).inputSize).toBe(model.preprocessing.inputSize);
	});
});

describe('compressRun', () => {
	it('measures the original, float16, int8 and pruned variants on the holdout rows', async () => {
		const { model, config, split, result } = await trained('iris.csv', 'species', 'classification');
		const seen: string[] = [];
		const fractions: number[] = [];
		const rows: VariantRow[] = await compressRun(model, config, split, { runId: 'r', sparsities: [0.5], fineTuneEpochs: 3, repeats: 2 }, {
			ort,
			ortBackend: 'wasm',
			onProgress: (f) => fractions.push(f),
			onVariant: (v) => void seen.push(v.id)
		});
		expect(rows.map((r) => r.id)).toEqual(['float32', 'float16', 'int8', 'pruned-50', 'pruned-50-int8']);
		expect(seen).toEqual(rows.map((r) => r.id));
		expect(fractions.at(-1)).toBe(1);
		expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
		const [f32, f16, int8, pruned, prunedInt8] = rows;
		const accuracy = (result.metrics as ClassificationMetrics).accuracy;
		expect(f32.tfjs!.metric).toBeCloseTo(accuracy, 10);
		expect(f32.onnx!.metric).toBeCloseTo(accuracy, 10);
		expect(f16.tfjs!.fileBytes).toBeLessThan(f32.tfjs!.fileBytes);
		// float16 ONNX: FLOAT16 initializers, measured in onnxruntime-web like every other row
		expect(f16.onnx!.fileBytes).toBeLessThan(0.8 * f32.onnx!.fileBytes);
		expect(Math.abs(f16.onnx!.metric - f32.onnx!.metric)).toBeLessThanOrEqual(1 / split.holdout.rows.length + 1e-9);
		expect(int8.onnx!.fileBytes).toBeLessThan(f32.onnx!.fileBytes);
		expect(int8.tfjs!.metric).toBeGreaterThanOrEqual(accuracy - 0.1);
		// pruning to 50% of each kernel's weights: at least 40% of all parameters (biases too) are zero
		expect(pruned.nonZero).toBeLessThan(0.6 * pruned.params);
		expect(prunedInt8.nonZero).toBeLessThanOrEqual(pruned.nonZero);
		expect(pruned.onnx!.deflatedBytes).toBeLessThan(f32.onnx!.deflatedBytes);
		expect(pruned.tfjs!.metric).toBeGreaterThanOrEqual(0.8);
		for (const r of rows) for (const m of [r.tfjs, r.onnx]) if (m) expect(m.batch1Ms).toBeGreaterThanOrEqual(0);
	});

	it('removes whole hidden units of an MLP: with int8 the raw file is over 4× smaller', async () => {
		const { model, config, split, result } = await trained('digits.csv', 'digit', 'classification', { epochs: 15, hiddenLayers: [64] });
		const rows = await compressRun(model, config, split, { runId: 'r', sparsities: [], fineTuneEpochs: 8, repeats: 1, structured: [0.5] }, { ort, ortBackend: 'wasm' });
		expect(rows.map((r) => r.id)).toEqual(['float32', 'float16', 'int8', 'structured-50', 'structured-50-int8']);
		const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
		const [f32, smaller] = [byId.float32, byId['structured-50-int8']];
		const accuracy = (result.metrics as ClassificationMetrics).accuracy;
		console.log(`digits MLP 64: ${f32.onnx!.fileBytes} → ${smaller.onnx!.fileBytes} bytes raw (${(f32.onnx!.fileBytes / smaller.onnx!.fileBytes).toFixed(2)}×), accuracy ${accuracy.toFixed(4)} → ${smaller.onnx!.metric.toFixed(4)}`);
		expect(byId['structured-50'].params).toBeLessThan(0.55 * f32.params);
		expect(smaller.onnx!.fileBytes).toBeLessThan(f32.onnx!.fileBytes / 4);
		// issue 7's bar: ≥ 4× smaller with ≤ 1 point lost (seeded, so the same figures every run)
		expect(smaller.onnx!.metric).toBeGreaterThanOrEqual(accuracy - 0.01);
	});

	it('refuses bad settings with a clear message', async () => {
		const { model, config, split } = await trained('iris.csv', 'species', 'classification');
		await expect(compressRun(model, config, split, { runId: 'r', sparsities: [1], fineTuneEpochs: 2 }, { ort, ortBackend: 'wasm' })).rejects.toThrow(/Sparsity 1 is out of range/);
		await expect(compressRun(model, config, split, { runId: 'r', sparsities: [0.5], fineTuneEpochs: 0 }, { ort, ortBackend: 'wasm' })).rejects.toThrow(/epochs/);
	});
});


describe('predictOnnx', () => {
	it('gives the tfjs path’s labels and probabilities for form rows', async () => {
		const { model } = await trained('iris.csv', 'species', 'classification');
		const { predictOnnx } = await import('./predict-onnx');
		const { predictTable } = await import('$workers/lib/predict');
		const { rowsTable } = await import('$workers/lib/rows-table');
		const session = await ortWeb.InferenceSession.create(await pipelineOnnx(model));
		const table = rowsTable(model.preprocessing.features, [
			{ sepal_length: '5.1', sepal_width: '3.5', petal_length: '1.4', petal_width: '0.2' },
			{ sepal_length: '6.7', sepal_width: '3.0', petal_length: '5.2', petal_width: '' }
		]);
		const got = await predictOnnx(ort, session, model.preprocessing, table);
		const want = await predictTable(model.artifacts, model.preprocessing, table);
		expect(got.predictions).toEqual(want.predictions);
		got.probabilities!.flat().forEach((p, i) => expect(p).toBeCloseTo(want.probabilities!.flat()[i], 5));
		await session.release();
	});
});
