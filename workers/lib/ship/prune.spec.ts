import { beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { deflateSync } from 'fflate';
import type { TrainConfig } from '$workers/protocol';
import { useCpu } from '../../../tests/unit-support';
import { deserializeModel, forward, serializeModel } from '$workers/lib/model';
import { exportTfjsOnnx, layersModelToOnnx } from './export-tfjs';
import { quantizeOnnxWeights } from './quantize-onnx';
import { quantizeTfjs } from './quantize-tfjs';
import { magnitudeMask, pruneMagnitude, sparsityAt } from './prune-magnitude';
import { pruneStructured, removeUnits } from './prune-structured';
import { readWeights, writeWeights } from './tfjs-weights';
import { accuracy, prepared, type Prepared } from './data.spec-support';
import { float, maxAbsDiff, predictTfjs, randomizeWeights, runBoth, uniform } from './ort.spec-support';

beforeAll(useCpu);

const DIGITS: Partial<TrainConfig> = { epochs: 12, hiddenLayers: [64], batchSize: 64 };

async function holdoutAccuracy(artifacts: Parameters<typeof deserializeModel>[0], p: Prepared): Promise<number> {
	const model = await deserializeModel(artifacts);
	const out = await forward(model, p.xHold, p.yHold.length, p.inputSize);
	model.dispose();
	return accuracy(out, p.classes, p.yHold);
}

describe('magnitude pruning', () => {
	it('follows the polynomial schedule and masks exactly floor(s·n) weights', () => {
		const schedule = { initialSparsity: 0, targetSparsity: 0.8, beginStep: 10, endStep: 110 };
		expect(sparsityAt(0, schedule)).toBe(0);
		expect(sparsityAt(60, schedule)).toBeCloseTo(0.8 - 0.8 * 0.5 ** 3, 12);
		expect(sparsityAt(500, schedule)).toBe(0.8);
		const values = Float32Array.from([0.5, -0.1, 0.3, -0.9, 0.2, 0, 0.7]);
		expect(Array.from(magnitudeMask(values, 0.5))).toEqual([1, 0, 1, 1, 0, 0, 1]);
	});

	it('prunes the iris MLP kernels to 80% zeros while fine-tuning', async () => {
		const p = await prepared('iris.csv', 'species');
		const before = await holdoutAccuracy(p.run.model, p);
		const epochs: number[] = [];
		const result = await pruneMagnitude(p.run.model, p.xTrain, p.yTrain, { targetSparsity: 0.8, epochs: 10, learningRate: 0.005, seed: 1, onEpoch: (e) => epochs.push(e.sparsity) });
		const weights = readWeights(result.model);
		for (const stat of result.stats.weights) {
			const zeros = weights.find((w) => w.name === stat.name)!.values.filter((v) => v === 0).length;
			expect(stat.params - stat.nonZero).toBe(zeros); // the reported count is the real count
			if (stat.shape.length === 2) expect(zeros).toBe(Math.floor(0.8 * stat.params));
		}
		expect(result.stats.nonZero).toBeLessThan(result.stats.params * 0.3);
		// floor(0.8·n) zeros per kernel, e.g. 102 of 128
		expect(epochs.at(-1)).toBeGreaterThanOrEqual(0.79);
		expect(epochs[0]).toBeLessThan(epochs.at(-1)!); // gradual, not one cut
		expect(await holdoutAccuracy(result.model, p)).toBeGreaterThanOrEqual(before - 0.1);
	});

	it('gives the same weights for the same seed, and stops when cancelled', async () => {
		const p = await prepared('iris.csv', 'species');
		const options = { targetSparsity: 0.5, epochs: 2, seed: 5 };
		const [a, b] = [await pruneMagnitude(p.run.model, p.xTrain, p.yTrain, options), await pruneMagnitude(p.run.model, p.xTrain, p.yTrain, options)];
		expect(new Uint8Array(a.model.weightData)).toEqual(new Uint8Array(b.model.weightData));
		const controller = new AbortController();
		controller.abort();
		await expect(pruneMagnitude(p.run.model, p.xTrain, p.yTrain, { ...options, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
		await expect(pruneMagnitude(p.run.model, p.xTrain, p.yTrain.subarray(1), options)).rejects.toMatchObject({ name: 'TrainingError' });
	});

	it('makes the digits MLP ≥ 4× smaller (int8 + 80% sparsity, deflated ONNX) losing ≤ 1 accuracy point', async () => {
		const p = await prepared('digits.csv', 'digit', DIGITS);
		const before = await holdoutAccuracy(p.run.model, p);
		const pruned = await pruneMagnitude(p.run.model, p.xTrain, p.yTrain, { targetSparsity: 0.8, epochs: 8, batchSize: 64, learningRate: 0.003, seed: 7 });
		const fp32 = await exportTfjsOnnx(p.run.model);
		const small = quantizeOnnxWeights(await exportTfjsOnnx(pruned.model));
		const ratio = deflateSync(fp32, { level: 9 }).length / deflateSync(small, { level: 9 }).length;
		expect(ratio).toBeGreaterThanOrEqual(4);
		const { node, web } = await runBoth(small, { input: float(p.xHold, [p.yHold.length, p.inputSize]) });
		for (const out of [node, web]) expect(accuracy(out.output as Float32Array, p.classes, p.yHold)).toBeGreaterThanOrEqual(before - 0.01);
		// the tfjs files shrink the same way: uint8 storage of the pruned weights
		const tfjsRatio = deflateSync(new Uint8Array(p.run.model.weightData)).length / deflateSync(new Uint8Array(quantizeTfjs(pruned.model).weightData)).length;
		expect(tfjsRatio).toBeGreaterThanOrEqual(4);
		console.info(`digits: accuracy ${before.toFixed(4)} → ${accuracy(web.output as Float32Array, p.classes, p.yHold).toFixed(4)}; deflated ONNX ${deflateSync(fp32, { level: 9 }).length} → ${deflateSync(small, { level: 9 }).length} B (${ratio.toFixed(2)}×); tfjs weights ${tfjsRatio.toFixed(2)}×`);
	});

	it('prunes conv kernels and the pruned CNN still exports', async () => {
		const model = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 4, kernelSize: 3, activation: 'relu' }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })] });
		randomizeWeights(model, 3);
		const artifacts = await serializeModel(model);
		model.dispose();
		const x = uniform(40 * 36, 5);
		const y = Int32Array.from({ length: 40 }, (_, i) => i % 3);
		const result = await pruneMagnitude(artifacts, x, y, { targetSparsity: 0.5, epochs: 3, batchSize: 8, seed: 2 });
		const conv = result.stats.weights.find((w) => w.shape.length === 4)!;
		expect(conv.params - conv.nonZero).toBe(Math.floor(0.5 * conv.params));
		const pruned = await deserializeModel(result.model);
		const expected = predictTfjs(pruned, x.subarray(0, 5 * 36), [5, 6, 6, 1]);
		const { web } = await runBoth(layersModelToOnnx(pruned), { input: float(x.slice(0, 5 * 36), [5, 6, 6, 1]) });
		expect(maxAbsDiff(web.output as Float32Array, expected)).toBeLessThan(1e-4);
		pruned.dispose();
	});
});

describe('structured pruning', () => {
	it('removes dead filters and units without changing the outputs (conv, BN, pool, flatten, dense)', async () => {
		const model = tfl.sequential({
			layers: [
				tfl.layers.conv2d({ inputShape: [7, 7, 2], filters: 5, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' }),
				tfl.layers.maxPooling2d({ poolSize: 2 }),
				tfl.layers.conv2d({ filters: 4, kernelSize: 2, activation: 'relu', name: 'c2' }),
				tfl.layers.batchNormalization({ name: 'bn' }),
				tfl.layers.flatten(),
				tfl.layers.dense({ units: 6, activation: 'relu', name: 'd1' }),
				tfl.layers.dense({ units: 3, name: 'out' })
			]
		});
		randomizeWeights(model, 8);
		const artifacts = await serializeModel(model);
		model.dispose();
		// Make c1 filters 1 and 3, c2 filter 2 and d1 units 0 and 4 dead: no incoming or outgoing weight.
		const entries = readWeights(artifacts);
		const get = (name: string) => entries.find((e) => e.name.startsWith(`${name}/`) && e.name.endsWith('kernel'))!;
		// 'out': the layer's own units (last axis); 'in': its input channels (second-to-last axis,
		// which after Flatten runs position by position over `channels` channels).
		const zero = (name: string, axis: 'out' | 'in', units: number[], channels: number) => {
			const w = get(name);
			const cols = w.shape.at(-1)!;
			const rows = w.shape.at(-2)!;
			w.values.forEach((_, i) => {
				const unit = axis === 'out' ? i % cols : (Math.floor(i / cols) % rows) % channels;
				if (units.includes(unit)) w.values[i] = 0;
			});
		};
		zero('c1', 'out', [1, 3], 5);
		zero('c2', 'in', [1, 3], 5);
		zero('c2', 'out', [2], 4);
		zero('d1', 'in', [2], 4);
		zero('d1', 'out', [0, 4], 6);
		zero('out', 'in', [0, 4], 6);
		for (const e of entries) if (e.name.endsWith('bias') && /^(c1|c2|d1)\//.test(e.name)) e.values.fill(0);
		const dead = writeWeights(artifacts, entries);
		const { model: smaller, kept } = await removeUnits(dead, (name) => (name === 'c1' ? 0.6 : name === 'c2' ? 0.75 : 4 / 6));
		expect(kept).toEqual({ c1: [0, 2, 4], c2: [0, 1, 3], d1: [1, 2, 3, 5] });
		const [a, b] = await Promise.all([deserializeModel(dead), deserializeModel(smaller)]);
		const x = uniform(4 * 7 * 7 * 2, 9);
		expect(b.countParams()).toBeLessThan(a.countParams() * 0.7);
		expect(maxAbsDiff(predictTfjs(b, x, [4, 7, 7, 2]), predictTfjs(a, x, [4, 7, 7, 2]))).toBeLessThan(1e-5);
		a.dispose();
		b.dispose();
	});

	it('halves the digits MLP hidden layer and recovers accuracy by fine-tuning', async () => {
		const p = await prepared('digits.csv', 'digit', DIGITS);
		const before = await holdoutAccuracy(p.run.model, p);
		const result = await pruneStructured(p.run.model, p.xTrain, p.yTrain, { fraction: 0.5, epochs: 6, batchSize: 64, learningRate: 0.003, seed: 3 });
		expect(Object.values(result.kept!).map((k) => k.length)).toEqual([32]);
		expect(result.stats.params).toBe(64 * 32 + 32 + 32 * 10 + 10);
		expect(await holdoutAccuracy(result.model, p)).toBeGreaterThanOrEqual(before - 0.03);
	});
});
