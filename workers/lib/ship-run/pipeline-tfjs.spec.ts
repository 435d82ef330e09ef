import { strFromU8, unzipSync } from 'fflate';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ClassificationMetrics, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { parseFittedPipeline, type Pipeline } from '$workers/lib/data/pipeline';
import { modelInputs } from '$workers/lib/model-input';
import { trainModel } from '$workers/lib/train';
import type { OrtRuntime } from '$workers/lib/ship';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { tfjsPipelineZip } from './pipeline-tfjs';
import { compressRun, runSplit } from './variants';

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'error';
const ort = ortWeb as unknown as OrtRuntime;

beforeAll(useCpu);

const pipeline: Pipeline = {
	format: 'kiln-pipeline',
	version: 1,
	steps: [
		{ kind: 'impute', columns: ['bill_length_mm', 'flipper_length_mm'], strategy: 'median', value: null, indicator: false },
		{ kind: 'log', columns: ['body_mass_g'], guard: 'signed' }
	],
	features: [
		{ kind: 'scale', column: 'bill_length_mm', method: 'standard' },
		{ kind: 'scale', column: 'flipper_length_mm', method: 'robust' },
		{ kind: 'scale', column: 'body_mass_g', method: 'standard' },
		{ kind: 'one-hot', column: 'island', maxCategories: 5, other: false, missing: 'mode' }
	]
};

async function pipelineRun() {
	const table = loadDataset('penguins.csv');
	const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features: ['bill_length_mm', 'flipper_length_mm', 'body_mass_g', 'island'], epochs: 30, hiddenLayers: [16], seed: 3 };
	const result = await trainModel(table, config, { pipeline });
	expect(result.preprocessing).toBeUndefined();
	return { table, config, result, model: { artifacts: result.model, pipeline: result.pipeline! } };
}

describe('tfjs files and compression for a run trained through a Prepare pipeline', () => {
	it('the zip holds model.json, weights.bin and pipeline.json; the files predict as the run on pipeline-encoded rows', async () => {
		const { table, model } = await pipelineRun();
		const files = unzipSync(tfjsPipelineZip(model.artifacts, model.pipeline));
		expect(Object.keys(files).sort()).toEqual(['README.txt', 'model.json', 'pipeline.json', 'weights.bin']);
		const fitted = parseFittedPipeline(strFromU8(files['pipeline.json']));
		expect(fitted).toEqual(model.pipeline);
		const json = JSON.parse(strFromU8(files['model.json']));
		const loaded = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: files['weights.bin'].slice().buffer }));
		const original = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: model.artifacts.modelTopology, weightSpecs: model.artifacts.weightSpecs as tf.io.WeightsManifestEntry[], weightData: model.artifacts.weightData }));
		const rows = Int32Array.from({ length: table.rowCount }, (_, i) => i);
		const { x, width } = modelInputs({ pipeline: fitted }, table, rows, false);
		const input = tf.tensor2d(x, [rows.length, width]);
		expect((loaded.predict(input) as tf.Tensor).arraySync()).toEqual((original.predict(input) as tf.Tensor).arraySync());
	});

	it('compressRun measures the network part on the holdout rows the pipeline encodes', async () => {
		const { table, config, result, model } = await pipelineRun();
		const split = runSplit(table, config, model);
		expect(split.holdout.x.length).toBe(split.holdout.rows.length * model.pipeline.inputSize);
		const rows = await compressRun(model, config, split, { runId: 'r', sparsities: [0.5], fineTuneEpochs: 2, repeats: 1 }, { ort, ortBackend: 'wasm' });
		expect(rows.map((r) => r.id)).toEqual(['float32', 'float16', 'int8', 'pruned-50', 'pruned-50-int8']);
		const accuracy = (result.metrics as ClassificationMetrics).accuracy;
		// The original measured here scores as the run did on its holdout, in both runtimes.
		expect(rows[0].tfjs!.metric).toBeCloseTo(accuracy, 10);
		expect(rows[0].onnx!.metric).toBeCloseTo(accuracy, 10);
		expect(rows[3].nonZero).toBeLessThan(0.6 * rows[3].params);
		console.log(`penguins pipeline MLP trade-off: ${rows.map((r) => `${r.id} acc ${r.tfjs?.metric.toFixed(3)} / ${r.onnx?.metric.toFixed(3)}, onnx ${r.onnx?.deflatedBytes} B deflated`).join('; ')}`);
	});
});
