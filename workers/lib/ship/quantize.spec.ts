import { beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { useCpu } from '../../../tests/unit-support';
import { deserializeModel, forward } from '$workers/lib/model';
import { decodeModel } from './onnx-builder';
import { exportTfjsOnnx, layersModelToOnnx } from './export-tfjs';
import { quantizeOnnxWeights } from './quantize-onnx';
import { quantizeOnnxStatic } from './quantize-onnx-static';
import { quantizeTfjs } from './quantize-tfjs';
import { fromFloat16, readWeights, toFloat16, writeWeights } from './tfjs-weights';
import type { ModelArtifacts, TrainConfig } from '$workers/protocol';
import type { OrtRuntime } from './types';
import { accuracy, prepared, type Prepared } from './data.spec-support';
import { RUNTIMES, float, maxAbsDiff, predictTfjs, randomizeWeights, runBoth, uniform } from './ort.spec-support';

beforeAll(useCpu);

// Small enough to train in seconds on a shared 2-core machine, still ~95% on the digits holdout.
const DIGITS: Partial<TrainConfig> = { epochs: 12, hiddenLayers: [64], batchSize: 64 };
const DATASETS: [string, string, Partial<TrainConfig>][] = [
	['iris.csv', 'species', {}],
	['breast-cancer.csv', 'diagnosis', { epochs: 20 }],
	['digits.csv', 'digit', DIGITS]
];

async function tfjsAccuracy(artifacts: ModelArtifacts, p: Prepared): Promise<number> {
	const model = await deserializeModel(artifacts);
	const out = await forward(model, p.xHold, p.yHold.length, p.inputSize);
	model.dispose();
	return accuracy(out, p.classes, p.yHold);
}

async function onnxAccuracies(bytes: Uint8Array, p: Prepared): Promise<number[]> {
	const { node, web } = await runBoth(bytes, { input: float(p.xHold, [p.yHold.length, p.inputSize]) });
	return [node, web].map((o) => accuracy(o.output as Float32Array, p.classes, p.yHold));
}

describe('tfjs storage quantisation', () => {
	it.each(DATASETS)('uint8 is 4× smaller and keeps accuracy on %s', async (file, target, overrides) => {
		const p = await prepared(file, target, overrides);
		const original = await tfjsAccuracy(p.run.model, p);
		// the rebuilt holdout is the run's own: same accuracy as training reported
		expect(original).toBeCloseTo((p.run.metrics as { accuracy: number }).accuracy, 10);
		const q = quantizeTfjs(p.run.model, 'uint8');
		expect(q.weightData.byteLength * 4).toBe(p.run.model.weightData.byteLength);
		expect(q.weightSpecs.every((s) => s.quantization?.dtype === 'uint8')).toBe(true);
		const uint8 = await tfjsAccuracy(q, p);
		expect(uint8).toBeGreaterThanOrEqual(original - 0.02);
		const half = quantizeTfjs(p.run.model, 'float16');
		expect(half.weightData.byteLength * 2).toBe(p.run.model.weightData.byteLength);
		const float16 = await tfjsAccuracy(half, p);
		expect(float16).toBeGreaterThanOrEqual(original - 0.01);
		console.info(`${file}: holdout accuracy float32 ${original.toFixed(4)}, uint8 ${uint8.toFixed(4)}, float16 ${float16.toFixed(4)} (${p.yHold.length} rows)`);
	});

	it('keeps zeros exactly zero (pruned weights) through tf.loadLayersModel', async () => {
		const p = await prepared('iris.csv', 'species');
		const entries = readWeights(p.run.model);
		entries.forEach((e) => e.values.forEach((v, i) => (e.values[i] = i % 3 === 0 ? 0 : v)));
		const q = quantizeTfjs(writeWeights(p.run.model, entries), 'uint8');
		const model = await deserializeModel(q);
		const loaded = model.getWeights().map((w) => w.dataSync());
		model.dispose();
		loaded.forEach((values, k) => {
			values.forEach((v, i) => (i % 3 === 0 ? expect(v).toBe(0) : expect(Math.abs(v - entries[k].values[i])).toBeLessThan(0.02)));
		});
	});

	it('encodes float16 like IEEE half precision', () => {
		expect([1, -2, 65504, 0.1, 6e-8, 1e-8, Infinity, 70000, 0].map(toFloat16)).toEqual([0x3c00, 0xc000, 0x7bff, 0x2e66, 1, 0, 0x7c00, 0x7c00, 0]);
		for (const x of uniform(1000, 3, -50, 50)) expect(Math.abs(fromFloat16(toFloat16(x)) - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11);
	});
});

describe('ONNX int8 weight quantisation', () => {
	it('makes the digits MLP about 3× smaller with the same holdout accuracy in both runtimes', async () => {
		const p = await prepared('digits.csv', 'digit', DIGITS);
		const fp32 = await exportTfjsOnnx(p.run.model);
		const int8 = quantizeOnnxWeights(fp32);
		// int8 values are ¼ of the floats; scales, float biases and names keep a 4.8k-parameter file near 0.33
		expect(int8.length / fp32.length).toBeLessThan(0.35);
		const dq = decodeModel(int8).graph!.node!.filter((n) => n.opType === 'DequantizeLinear');
		expect(dq).toHaveLength(2);
		const original = await tfjsAccuracy(p.run.model, p);
		for (const acc of await onnxAccuracies(int8, p)) expect(acc).toBeGreaterThanOrEqual(original - 0.01);
	});

	it('quantises conv, recurrent and embedding weights per channel and stays close to float', async () => {
		const model = tfl.sequential({
			layers: [
				tfl.layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 6 }),
				tfl.layers.conv1d({ filters: 8, kernelSize: 2, padding: 'same', activation: 'relu' }),
				tfl.layers.lstm({ units: 8, recurrentInitializer: 'glorotUniform' }),
				tfl.layers.dense({ units: 4 })
			]
		});
		randomizeWeights(model, 4);
		const ids = Float32Array.from(uniform(16 * 6, 8, 0, 50), Math.floor);
		const expected = predictTfjs(model, ids, [16, 6]);
		const int8 = quantizeOnnxWeights(layersModelToOnnx(model));
		const quantised = decodeModel(int8).graph!.node!.filter((n) => n.opType === 'DequantizeLinear').map((n) => n.input![0]);
		expect(quantised.length).toBe(5); // embeddings, conv kernel, LSTM W and R, dense kernel
		const { node, web } = await runBoth(int8, { input: float(ids, [16, 6]) });
		const spread = Math.max(...expected) - Math.min(...expected);
		for (const out of [node, web]) {
			const diff = maxAbsDiff(out.output as Float32Array, expected);
			expect(diff).toBeGreaterThan(0); // it did change the weights
			expect(diff).toBeLessThan(0.03 * spread);
		}
		model.dispose();
	});
});

describe('ONNX static QDQ quantisation', () => {
	it('calibrates on training rows and keeps the digits accuracy in both runtimes', async () => {
		const p = await prepared('digits.csv', 'digit', DIGITS);
		const fp32 = await exportTfjsOnnx(p.run.model);
		const batches = [0, 1].map((b) => ({ input: { type: 'float32' as const, data: p.xTrain.slice(b * 128 * 64, (b + 1) * 128 * 64), dims: [128, 64] } }));
		const qdq = await quantizeOnnxStatic(fp32, batches, RUNTIMES.web as unknown as OrtRuntime);
		const ops = decodeModel(qdq).graph!.node!.map((n) => n.opType);
		expect(ops.filter((o) => o === 'QuantizeLinear').length).toBeGreaterThanOrEqual(4);
		// plus activation scales, Q/DQ nodes and int32 biases
		expect(qdq.length / fp32.length).toBeLessThan(0.5);
		const original = await tfjsAccuracy(p.run.model, p);
		for (const acc of await onnxAccuracies(qdq, p)) expect(acc).toBeGreaterThanOrEqual(original - 0.02);
	});
});
