import { strFromU8, unzipSync } from 'fflate';
import * as ortWeb from 'onnxruntime-web';
import * as ortNode from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG, withConfigDefaults } from '$shared/train-config';
import { importDataset, useCpu } from '../../../tests/unit-support';
import { parseFittedPipeline, type Pipeline } from '$workers/lib/data/pipeline';
import { modelInputs } from '$workers/lib/model-input';
import { classicToArtifacts } from '$workers/lib/model-lab/artifacts';
import { fitClassic } from '$workers/lib/models';
import { defaultParams } from '$workers/lib/models/params';
import { predictTable } from '$workers/lib/predict';
import { trainModel } from '$workers/lib/train';
import { splitFor } from '$workers/lib/train-data';
import type { OrtRuntime } from '$workers/lib/ship';
import { checkEncodedOnnx, decodedModelOnnx, pipelineZip, type PipelineRunModel } from './pipeline-export';

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'error';
const web = ortWeb as unknown as OrtRuntime;
const node = ortNode as unknown as OrtRuntime;

beforeAll(useCpu);

const features = ['species', 'island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'sex'];
/** Table steps ONNX has no form for here (median imputation, a derived ratio), then non-default encodings. */
const pipeline = (target: string): Pipeline => ({
	format: 'kiln-pipeline',
	version: 1,
	steps: [
		{ kind: 'impute', columns: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm'], strategy: 'median', value: null, indicator: false },
		{ kind: 'derive', name: 'bill_ratio', expression: 'bill_length_mm / bill_depth_mm' }
	],
	features: [
		{ kind: 'scale', column: 'flipper_length_mm', method: 'robust' },
		{ kind: 'scale', column: 'bill_ratio', method: 'standard' },
		{ kind: 'one-hot', column: target === 'species' ? 'island' : 'species', maxCategories: 2, other: true, missing: 'mode' },
		{ kind: 'ordinal', column: 'sex', order: null }
	]
});

async function pipelineRun(target: string, task: 'classification' | 'regression') {
	const table = await importDataset('penguins.csv');
	const config: TrainConfig = { ...DEFAULT_CONFIG, epochs: 15, target, task, features: features.filter((f) => f !== target) };
	const result = await trainModel(table, config, { pipeline: pipeline(target) });
	expect(result.preprocessing).toBeUndefined();
	const model: PipelineRunModel = { artifacts: result.model, pipeline: result.pipeline! };
	const { split } = splitFor(table, withConfigDefaults(config));
	return { table, model, split, config };
}

describe('export of a run trained through a recorded pipeline', () => {
	it('MLP classifier: ONNX on pipeline-encoded holdout rows gives Kiln’s probabilities (web and node), and the zip holds the fitted pipeline', async () => {
		const { table, model, split } = await pipelineRun('species', 'classification');
		const holdout = Int32Array.from(split.holdout);
		const onnx = await decodedModelOnnx(model);
		for (const [ort, name] of [[web, 'web'], [node, 'node']] as const) {
			const check = await checkEncodedOnnx(ort, onnx, model, table, holdout, name);
			expect(check.rows).toBe(holdout.length);
			expect(check.agreed).toBe(check.rows);
			expect(check.maxAbsDiff).toBeLessThan(1e-4);
		}
		const files = unzipSync(pipelineZip(onnx, model.pipeline));
		expect(Object.keys(files).sort()).toEqual(['README.txt', 'model.onnx', 'pipeline.json']);
		// The sidecar is the fitted pipeline itself: replayed, it gives Kiln's own predictions.
		const replayed = parseFittedPipeline(JSON.parse(strFromU8(files['pipeline.json'])));
		expect(replayed).toEqual(model.pipeline);
		const labels = (await predictTable(model.artifacts, replayed, table)).predictions;
		const session = await ortNode.InferenceSession.create(files['model.onnx']);
		const { x, width } = modelInputs({ pipeline: replayed }, table, Int32Array.from({ length: table.rowCount }, (_, i) => i), false);
		const out = await session.run({ features: new ortNode.Tensor('float32', x, [table.rowCount, width]) });
		expect(Array.from(out.label.data as string[])).toEqual(labels);
		await session.release();
	});

	it('MLP regressor: predictions in the target units within 1e-4 relative', async () => {
		const { table, model, split } = await pipelineRun('body_mass_g', 'regression');
		const check = await checkEncodedOnnx(web, await decodedModelOnnx(model), model, table, Int32Array.from(split.holdout), 'web');
		expect(check.compared).toBe('prediction');
		expect(check.agreed).toBe(check.rows);
		expect(check.maxAbsDiff).toBeLessThan(0.05); // grams, on values near 4,000
	});

	it('a classic forest on pipeline-encoded rows exports the same way', async () => {
		const { table, model, split } = await pipelineRun('species', 'classification');
		const train = modelInputs({ pipeline: model.pipeline }, table, split.train);
		const classes = model.pipeline.target!.task === 'classification' ? model.pipeline.target!.classes.length : 1;
		const forest = fitClassic({ family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 12 } }, train.x, split.train.length, train.width, train.y!, 'classification', classes, { seed: 3 });
		const classic: PipelineRunModel = { artifacts: classicToArtifacts(forest), pipeline: model.pipeline };
		const check = await checkEncodedOnnx(web, await decodedModelOnnx(classic), classic, table, Int32Array.from(split.holdout), 'web');
		expect(check.agreed).toBe(check.rows);
		expect(check.maxAbsDiff).toBeLessThan(1e-4);
	});
});
