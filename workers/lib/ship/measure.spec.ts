import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelArtifacts, RegressionMetrics } from '$workers/protocol';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { deserializeModel } from '$workers/lib/model';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { trainModel } from '$workers/lib/train';
import { encodeFeatures, encodeTarget, labelledRows } from '$workers/lib/preprocess';
import { holdoutSplit } from '$workers/lib/split';
import { exportTfjsOnnx } from './export-tfjs';
import { quantizeOnnxWeights } from './quantize-onnx';
import { quantizeTfjs } from './quantize-tfjs';
import { measureModel, median } from './measure';
import { countOnnxParams } from './onnx-params';
import type { OrtRuntime } from './types';
import { prepared } from './data.spec-support';
import { RUNTIMES } from './ort.spec-support';

beforeAll(useCpu);

const web = RUNTIMES.web as unknown as OrtRuntime;

async function countParams(artifacts: ModelArtifacts): Promise<number> {
	const model = await deserializeModel(artifacts);
	const n = model.countParams();
	model.dispose();
	return n;
}

describe('measureModel', () => {
	it('measures the float and quantised iris MLP on tfjs and onnxruntime', async () => {
		const p = await prepared('iris.csv', 'species');
		const accuracy = (p.run.metrics as { accuracy: number }).accuracy;
		const fp32 = await exportTfjsOnnx(p.run.model);
		const base = await measureModel({ artifacts: p.run.model, onnx: fp32, x: p.xHold, y: p.yHold, ort: web, repeats: 5, warmup: 2 });
		expect(base.metricName).toBe('accuracy');
		expect(base.params).toBe(await countParams(p.run.model));
		expect(countOnnxParams(fp32)).toEqual({ params: base.params, nonZero: base.nonZero });
		expect(base.tfjs!.metric).toBeCloseTo(accuracy, 10);
		expect(base.onnx!.metric).toBeCloseTo(accuracy, 10);
		expect(base.tfjs!.backend).toBe('cpu');
		expect(base.onnx!.fileBytes).toBe(fp32.length);
		expect(base.tfjs!.fileBytes).toBeGreaterThan(p.run.model.weightData.byteLength);
		for (const row of [base.tfjs!, base.onnx!]) {
			expect(row.deflatedBytes).toBeGreaterThan(0);
			expect(row.deflatedBytes).toBeLessThan(row.fileBytes);
			for (const ms of [row.batch1Ms, row.batch256Ms]) expect(Number.isFinite(ms) && ms >= 0).toBe(true);
		}

		const small = await measureModel({ artifacts: quantizeTfjs(p.run.model), onnx: quantizeOnnxWeights(fp32, { minElements: 1 }), x: p.xHold, y: p.yHold, ort: web, repeats: 3, warmup: 1 });
		expect(small.params).toBe(base.params);
		expect(small.tfjs!.fileBytes).toBeLessThan(base.tfjs!.fileBytes);
		expect(small.onnx!.fileBytes).toBeLessThan(base.onnx!.fileBytes);
		// every weight is int8 now, and countOnnxParams still counts each weight once
		expect(countOnnxParams(quantizeOnnxWeights(fp32, { minElements: 1 })).params).toBe(base.params);
		expect(small.onnx!.metric).toBeGreaterThanOrEqual(accuracy - 0.04);
	});

	it('reports RMSE in original units for a regression', async () => {
		const table = loadDataset('penguins.csv');
		const features = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm'];
		const config = { ...DEFAULT_CONFIG, model: 'linear' as const, target: 'body_mass_g', task: 'regression' as const, features, epochs: 15 };
		const run = await trainModel(table, config);
		const { holdout } = holdoutSplit(labelledRows(table, 'body_mass_g'), config.holdoutFraction, config.seed);
		const x = encodeFeatures(table, run.preprocessing, holdout).x;
		const y = encodeTarget(table, run.preprocessing, holdout) as Float32Array;
		const std = (run.preprocessing.target as { std: number }).std;
		const m = await measureModel({ artifacts: run.model, onnx: await exportTfjsOnnx(run.model), x, y, targetStd: std, ort: web, repeats: 3, warmup: 1 });
		expect(m.metricName).toBe('rmse');
		const rmse = (run.metrics as RegressionMetrics).rmse;
		expect(m.tfjs!.metric).toBeCloseTo(rmse, 1);
		expect(m.onnx!.metric).toBeCloseTo(rmse, 1);
	});

	it('takes the median', () => {
		expect(median([5, 1, 3])).toBe(3);
		expect(median([4, 1, 3, 2])).toBe(2.5);
	});
});
