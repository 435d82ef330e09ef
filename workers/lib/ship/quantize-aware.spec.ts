import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../../tests/unit-support';
import { deserializeModel, forward } from '$workers/lib/model';
import type { ModelArtifacts, TrainConfig } from '$workers/protocol';
import { exportTfjsOnnx } from './export-tfjs';
import { fakeQuantize, quantAwareFineTune } from './quantize-aware';
import { quantizeOnnxWeights, quantizeSymmetric } from './quantize-onnx';
import { readWeights } from './tfjs-weights';
import { accuracy, prepared, type Prepared } from './data.spec-support';
import { RUNTIMES } from './ort.spec-support';

beforeAll(useCpu);

const DIGITS: Partial<TrainConfig> = { epochs: 12, hiddenLayers: [64], batchSize: 64 };

async function tfjsAccuracy(artifacts: ModelArtifacts, p: Prepared): Promise<number> {
	const model = await deserializeModel(artifacts);
	const out = await forward(model, p.xHold, p.yHold.length, p.inputSize);
	model.dispose();
	return accuracy(out, p.classes, p.yHold);
}

async function onnxAccuracy(onnx: Uint8Array, p: Prepared): Promise<number> {
	const ort = RUNTIMES.node;
	const session = await ort.InferenceSession.create(onnx);
	try {
		const input = session.inputNames[0];
		const result = await session.run({ [input]: new ort.Tensor('float32', p.xHold, [p.yHold.length, p.inputSize]) });
		return accuracy(Float32Array.from(result[session.outputNames[0]].data as Float32Array), p.classes, p.yHold);
	} finally {
		await session.release();
	}
}

describe('quantisation-aware fine-tuning', () => {
	it('rounds a kernel per output column onto the int8 grid the ONNX export uses', () => {
		const values = Float32Array.from([0.5, -2, 0.25, 1, 0.125, -0.5]); // [3 × 2]: columns (0.5, 0.25, 0.125) and (−2, 1, −0.5)
		const rounded = fakeQuantize(values, [3, 2], 'dense_Dense1/kernel');
		const q = quantizeSymmetric(values, [3, 2], 1);
		expect(Array.from(q.scales)).toEqual([Math.fround(0.5 / 127), Math.fround(2 / 127)]);
		rounded.forEach((v, i) => expect(v).toBeCloseTo(q.values[i] * q.scales[i % 2], 7));
		// Rounding again changes nothing: the grid's largest value is the column's own maximum.
		expect(fakeQuantize(rounded, [3, 2], 'dense_Dense1/kernel')).toEqual(rounded);
		expect(fakeQuantize(Float32Array.from([0.3, 0.7]), [2], 'dense_Dense1/bias')).toEqual(Float32Array.from([0.3, 0.7]));
	});

	it('fine-tunes the digits MLP on the int8 grid: ONNX int8 keeps its accuracy, the kernels quantise without further loss', async () => {
		const p = await prepared('digits.csv', 'digit', DIGITS);
		const original = await tfjsAccuracy(p.run.model, p);
		const epochs: number[] = [];
		const qat = await quantAwareFineTune(p.run.model, p.xTrain, p.yTrain, { epochs: 2, batchSize: 64, learningRate: 0.001, seed: 3, onEpoch: (e) => epochs.push(e.epoch) });
		expect(epochs).toEqual([1, 2]);
		for (const w of readWeights(qat.model).filter((w) => w.name.endsWith('kernel'))) {
			const values = w.values as Float32Array;
			expect(fakeQuantize(values, w.shape, w.name)).toEqual(values);
		}
		const int8 = quantizeOnnxWeights(await exportTfjsOnnx(qat.model));
		const qatAccuracy = await onnxAccuracy(int8, p);
		const rounded = await onnxAccuracy(quantizeOnnxWeights(await exportTfjsOnnx(p.run.model)), p);
		console.log(`digits holdout accuracy: float32 ${original.toFixed(4)}, int8 rounded after training ${rounded.toFixed(4)}, int8 after quantisation-aware fine-tuning ${qatAccuracy.toFixed(4)} (ONNX, onnxruntime-node)`);
		expect(qatAccuracy).toBeGreaterThanOrEqual(original - 0.01);
		// The tfjs model holds exactly what the ONNX int8 file computes with.
		expect(Math.abs((await tfjsAccuracy(qat.model, p)) - qatAccuracy)).toBeLessThanOrEqual(1 / p.yHold.length + 1e-9);
	});
});
