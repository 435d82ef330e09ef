import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainConfig } from '$workers/protocol';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { trainModel } from '$workers/lib/train';
import { quantizeTfjs, type OrtRuntime } from '$workers/lib/ship';
import { DataType, decodeModel } from '$workers/lib/ship/onnx-builder';
import { modelPredict } from '$workers/lib/run-evaluation';
import type { ModelArtifacts } from '$workers/protocol';
import { checkOnnx, modelOnnx, pipelineOnnx, type RunModel } from './export-run';
import { float16Onnx } from './float16-onnx';
import { runSplit } from './variants';

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'error';

beforeAll(useCpu);

async function run(features: Float32Array, rows: number, width: number, bytes: Uint8Array): Promise<Float32Array> {
	const session = await ortNode.InferenceSession.create(bytes);
	const out = await session.run({ features: new ortNode.Tensor('float32', features, [rows, width]) });
	await session.release();
	return out.output.data as Float32Array;
}

describe('float16 ONNX', () => {
	it('stores the weights as FLOAT16, half the file, and predicts as tfjs’s float16 variant (node and web)', async () => {
		const table = loadDataset('wine.csv');
		const features = table.columns.map((c) => c.name).filter((n) => n !== 'cultivar');
		const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'cultivar', task: 'classification', features, epochs: 30 };
		const result = await trainModel(table, config);
		const model: RunModel = { artifacts: result.model, preprocessing: result.preprocessing };
		const { holdout } = runSplit(table, config, model);
		const n = holdout.rows.length;
		const float = await modelOnnx(model);
		const half = float16Onnx(float);
		const graph = decodeModel(half).graph!;
		expect(graph.initializer!.filter((t) => t.dims!.length > 0).every((t) => t.dataType === DataType.FLOAT16)).toBe(true);
		expect(graph.node!.filter((nd) => nd.opType === 'Cast').length).toBeGreaterThanOrEqual(2);
		expect(half.length).toBeLessThan(0.75 * float.length); // weights halve; names and Cast nodes stay
		// Same weights as the tfjs float16 storage variant, so (on logits) within float32 rounding of it.
		const width = model.preprocessing.inputSize;
		const tfjsHalf: RunModel = { artifacts: quantizeTfjs(model.artifacts, 'float16') as ModelArtifacts, preprocessing: model.preprocessing };
		const want = await modelPredict(tfjsHalf)(holdout.x, n);
		const logits = await run(holdout.x, n, width, half);
		const k = 3;
		const softmax = Float32Array.from(logits, (_, i) => {
			const r = Math.floor(i / k);
			const row = logits.subarray(r * k, r * k + k);
			const m = Math.max(...row);
			return Math.exp(logits[i] - m) / row.reduce((s, v) => s + Math.exp(v - m), 0);
		});
		let maxDiff = 0;
		for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(want[i] - softmax[i]));
		expect(maxDiff).toBeLessThan(1e-5);
		// Against the float32 original: stated tolerance 1e-2 on a probability, labels agree on ≥ 97% of rows.
		const full = await run(holdout.x, n, width, float);
		let drift = 0;
		for (let i = 0; i < full.length; i++) drift = Math.max(drift, Math.abs(full[i] - logits[i]));
		expect(drift).toBeLessThan(0.05);
		// The whole raw-values pipeline with float16 weights in onnxruntime-web's wasm EP, checked against the tfjs float16 variant.
		const check = await checkOnnx(ortWeb as unknown as OrtRuntime, await pipelineOnnx(tfjsHalf, half), tfjsHalf, table, holdout.rows, 'web');
		expect(check.agreed).toBe(n);
		expect(check.maxAbsDiff).toBeLessThan(1e-4);
	});

	it('refuses a graph with no float weights', () => {
		expect(() => float16Onnx(new Uint8Array([0x3a, 0x00]))).toThrow();
	});
});
