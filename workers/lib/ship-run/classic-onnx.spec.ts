import * as ortWeb from 'onnxruntime-web';
import * as ortNode from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Table, TrainConfig } from '$workers/protocol';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { classicConfig } from '$workers/lib/model-lab/config';
import { trainClassic } from '$workers/lib/model-lab/train-classic';
import { classicFromArtifacts } from '$workers/lib/model-lab/artifacts';
import { predictClassic } from '$workers/lib/models';
import { defaultParams } from '$workers/lib/models/params';
import type { ClassicSpec } from '$workers/lib/models/types';
import type { OrtRuntime } from '$workers/lib/ship';
import { checkOnnx, modelOnnx, pipelineOnnx, type RunModel } from './export-run';
import { classicExportRefusal, float32Floor } from './classic-onnx';
import { runSplit } from './variants';

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'error';

beforeAll(useCpu);

async function fitted(file: string, target: string, task: 'classification' | 'regression', classic: ClassicSpec) {
	const table: Table = loadDataset(file);
	const features = table.columns.map((c) => c.name).filter((n) => n !== target);
	const config: TrainConfig = classicConfig({ ...DEFAULT_CONFIG, target, task, features }, classic);
	const result = await trainClassic(table, config);
	const model: RunModel = { artifacts: result.model, preprocessing: result.preprocessing };
	return { table, model, split: runSplit(table, config, model) };
}

/** The bare model graph on the encoded holdout in onnxruntime-node, against Kiln's own prediction. */
async function nodeDiff(model: RunModel, x: Float32Array, rows: number): Promise<number> {
	const width = model.preprocessing.inputSize;
	const session = await ortNode.InferenceSession.create(await modelOnnx(model));
	const out = (await session.run({ features: new ortNode.Tensor('float32', x, [rows, width]) })).output.data as Float32Array;
	await session.release();
	const want = predictClassic(classicFromArtifacts(model.artifacts), x, rows);
	expect(out.length).toBe(want.length);
	let max = 0;
	for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(out[i] - want[i]));
	return max;
}

const cases: [string, string, string, 'classification' | 'regression', ClassicSpec][] = [
	['linear, 3 classes', 'iris.csv', 'species', 'classification', { family: 'linear', params: defaultParams('linear', 'classification') }],
	['linear, binary', 'breast-cancer.csv', 'diagnosis', 'classification', { family: 'linear', params: defaultParams('linear', 'classification') }],
	['linear regression', 'wine.csv', 'alcohol', 'regression', { family: 'linear', params: defaultParams('linear', 'regression') }],
	['tree', 'penguins.csv', 'species', 'classification', { family: 'tree', params: defaultParams('tree', 'classification') }],
	['forest', 'iris.csv', 'species', 'classification', { family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 15 } }],
	['forest regression', 'wine.csv', 'alcohol', 'regression', { family: 'forest', params: { ...defaultParams('forest', 'regression'), nTrees: 10 } }],
	['boosting, 3 classes', 'wine.csv', 'cultivar', 'classification', { family: 'boosting', params: { ...defaultParams('boosting', 'classification'), maxIter: 20 } }],
	['boosting, binary', 'breast-cancer.csv', 'diagnosis', 'classification', { family: 'boosting', params: { ...defaultParams('boosting', 'classification'), maxIter: 20 } }],
	['boosting regression', 'wine.csv', 'alcohol', 'regression', { family: 'boosting', params: { ...defaultParams('boosting', 'regression'), maxIter: 20 } }]
];

describe('ONNX export of classic runs', () => {
	it.each(cases)('%s: onnxruntime-node and -web give Kiln’s predictions on the holdout', async (_, file, target, task, classic) => {
		const { table, model, split } = await fitted(file, target, task, classic);
		const rows = split.holdout.rows.length;
		expect(await nodeDiff(model, split.holdout.x, rows)).toBeLessThan(1e-4);
		// The whole pipeline (raw values in, decoded out) in onnxruntime-web's wasm build.
		const check = await checkOnnx(ortWeb as unknown as OrtRuntime, await pipelineOnnx(model), model, table, split.holdout.rows, 'web');
		expect(check.rows).toBe(rows);
		expect(check.agreed).toBe(rows);
		expect(check.maxAbsDiff).toBeLessThan(task === 'classification' ? 1e-4 : 1e-3);
	});

	it('refuses kNN and naive Bayes by name', async () => {
		const { model } = await fitted('iris.csv', 'species', 'classification', { family: 'knn', params: defaultParams('knn', 'classification') });
		expect(classicExportRefusal(model.artifacts)).toMatch(/k-nearest neighbours model cannot be exported to ONNX/);
		await expect(modelOnnx(model)).rejects.toThrow(/k-nearest neighbours/);
		const nb = await fitted('iris.csv', 'species', 'classification', { family: 'gaussian-nb', params: defaultParams('gaussian-nb', 'classification') });
		expect(classicExportRefusal(nb.model.artifacts)).toMatch(/Gaussian naive Bayes/);
	});

	it('rounds thresholds down to float32 so float32 inputs split as in float64', () => {
		for (const t of [0.1, -0.1, 1 / 3, -2.5, 0, 1e-50, -1e-50, 123456.789]) {
			const f = float32Floor(t);
			expect(Math.fround(f)).toBe(f);
			expect(f).toBeLessThanOrEqual(t);
			// the next float32 up is above t
			const up = new Float32Array([f]);
			const bits = new Int32Array(up.buffer);
			if (f > 0) bits[0] += 1;
			else if (f < 0) bits[0] -= 1;
			else up[0] = 1.401298464324817e-45;
			expect(up[0]).toBeGreaterThan(t);
		}
	});
});
