import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { ClassificationMetrics, TrainConfig } from '$workers/protocol';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { trainModel } from '$workers/lib/train';
import { prepareTraining } from '$workers/lib/train-data';
import { trainPrivateModel } from '$workers/lib/trust/private-training';
import { epsilon } from '$workers/lib/trust/rdp';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { privacySweep } from './privacy-sweep';

beforeAll(useCpu);

describe('privacySweep on breast cancer', () => {
	const table = loadDataset('breast-cancer.csv');
	const target = 'diagnosis';
	const config: TrainConfig = { ...DEFAULT_CONFIG, target, task: 'classification', model: 'linear', features: table.columns.map((c) => c.name).filter((n) => n !== target), epochs: 4, batchSize: 32, learningRate: 0.05, seed: 3 };

	it('trains a reference and one private run per σ: ε falls as σ grows, accuracy stays real, and a seed repeats it', async () => {
		const labels: string[] = [];
		const request = { clipNorm: 1, delta: 1e-5, noiseMultipliers: [4, 0.8] };
		const result = await privacySweep(table, config, request, { onProgress: (p) => labels.push(p.label) });
		expect(result.points.map((p) => p.noiseMultiplier)).toEqual([0.8, 4]);
		expect(result.metricName).toBe('accuracy');
		const [loud, quiet] = [result.points[0], result.points[1]];
		expect(loud.epsilon).toBeGreaterThan(quiet.epsilon);
		// ε is what the accountant charges for exactly these steps at this sampling rate.
		const q = config.batchSize / result.trainRows;
		const steps = 4 * Math.max(1, Math.round(result.trainRows / config.batchSize));
		expect(quiet.epsilon).toBeCloseTo(epsilon(q, 4, steps, 1e-5), 6);
		expect(result.baseline.metric).toBeGreaterThan(0.9);
		expect(loud.metric).toBeGreaterThan(0.6);
		expect(result.points.every((p) => p.samplesPerSecond > 0)).toBe(true);
		expect(labels[0]).toMatch(/σ = 0\.8 \(1 of 2\)/);
		expect(labels.some((l) => l.includes('without privacy'))).toBe(true);
		expect(labels.at(-1)).toBe('Done');

		const again = await privacySweep(table, config, { ...request, noiseMultipliers: [0.8] });
		expect(again.points[0].metric).toBe(loud.metric);
		expect(again.points[0].epsilon).toBe(loud.epsilon);
		expect(again.baseline.metric).toBe(result.baseline.metric);
	});

	it('solves σ for each target ε with the accountant: the achieved ε is within 1 % of the target, never above it', async () => {
		const labels: string[] = [];
		const quick = { ...config, epochs: 2 };
		const result = await privacySweep(table, quick, { clipNorm: 1, delta: 1e-5, targetEpsilons: [8, 1, 3] }, { onProgress: (p) => labels.push(p.label) });
		expect(result.by).toBe('epsilon');
		expect(result.points.map((p) => p.targetEpsilon)).toEqual([1, 3, 8]);
		const q = quick.batchSize / result.trainRows;
		const steps = 2 * Math.max(1, Math.round(result.trainRows / quick.batchSize));
		expect(result.sampleRate).toBeCloseTo(q, 12);
		expect(result.steps).toBe(steps);
		for (const p of result.points) {
			// The trained run's own accountant, and a fresh one at the solved σ, both land on the target.
			expect(Math.abs(p.epsilon - p.targetEpsilon!) / p.targetEpsilon!).toBeLessThan(0.01);
			expect(p.epsilon).toBeLessThanOrEqual(p.targetEpsilon! * (1 + 1e-9));
			expect(epsilon(q, p.noiseMultiplier, steps, 1e-5)).toBeCloseTo(p.epsilon, 9);
		}
		console.log(`sweep by target ε on breast cancer (2 epochs, batch 32, δ 1e-5, q ${q.toFixed(4)}, ${steps} steps): ${result.points.map((p) => `target ${p.targetEpsilon} → σ ${p.noiseMultiplier.toFixed(4)}, ε ${p.epsilon.toFixed(5)}, accuracy ${p.metric.toFixed(3)}`).join('; ')}; without privacy ${result.baseline.metric.toFixed(3)}`);
		// A smaller ε needs more noise.
		expect(result.points[0].noiseMultiplier).toBeGreaterThan(result.points[1].noiseMultiplier);
		expect(result.points[1].noiseMultiplier).toBeGreaterThan(result.points[2].noiseMultiplier);
		expect(labels[0]).toMatch(/ε = 1, σ = [\d.]+ \(1 of 3\)/);
		await expect(privacySweep(table, quick, { clipNorm: 1, delta: 1e-5, targetEpsilons: [0] })).rejects.toThrow(/target ε must be a number above 0/);
	});

	it('refuses bad settings with a message', async () => {
		await expect(privacySweep(table, config, { clipNorm: 1, delta: 1e-5, noiseMultipliers: [] })).rejects.toThrow(/at least one/);
		await expect(privacySweep(table, config, { clipNorm: 1, delta: 1e-5, noiseMultipliers: [0] })).rejects.toThrow(/above 0/);
		await expect(privacySweep(table, config, { clipNorm: 0, delta: 1e-5, noiseMultipliers: [1] })).rejects.toThrow(/clip norm/);
		await expect(privacySweep(table, config, { clipNorm: 1, delta: 2, noiseMultipliers: [1] })).rejects.toThrow(/δ/);
	});
});

describe('privacySweep through a Prepare pipeline', () => {
	const iris = loadDataset('iris.csv');
	/** A row filter (fewer training rows: a higher sampling rate q) and min-max / robust scaling instead of the built-in standardising. */
	const pipeline: Pipeline = {
		format: 'kiln-pipeline',
		version: 1,
		steps: [{ kind: 'filter', expression: 'sepal_width >= 2.6' }],
		features: [
			{ kind: 'scale', column: 'petal_length', method: 'min-max' },
			{ kind: 'scale', column: 'petal_width', method: 'robust' },
			{ kind: 'scale', column: 'sepal_length', method: 'min-max' }
		]
	};
	const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'species', task: 'classification', model: 'linear', features: ['petal_length', 'petal_width', 'sepal_length'], epochs: 6, batchSize: 16, learningRate: 0.1, seed: 5 };

	it('fits the pipeline in every run: q over the rows its filter keeps, each point equals a private run with the pipeline, the reference a plain run with it', async () => {
		const dp = { clipNorm: 1, delta: 1e-5 };
		const result = await privacySweep(iris, config, { ...dp, noiseMultipliers: [1] }, { pipeline });
		const piped = prepareTraining(iris, config, undefined, pipeline);
		const builtIn = prepareTraining(iris, config);
		expect(piped.train.rows.length).toBeLessThan(builtIn.train.rows.length);
		expect(result.trainRows).toBe(piped.train.rows.length);
		expect(result.sampleRate).toBeCloseTo(16 / piped.train.rows.length, 12);
		const privateRun = await trainPrivateModel(iris, { ...config, patience: 0 }, { ...dp, noiseMultiplier: 1, secureNoise: false }, { pipeline });
		expect(result.points[0].metric).toBe((privateRun.metrics as ClassificationMetrics).accuracy);
		expect(result.points[0].epsilon).toBe(privateRun.privacy.epsilon);
		const plain = await trainModel(iris, { ...config, patience: 0 }, { pipeline });
		expect(result.baseline.metric).toBe((plain.metrics as ClassificationMetrics).accuracy);
		expect(result.baseline.metric).toBeGreaterThan(0.8);
		// The pipeline changes what is trained: the built-in sweep's ε differs (another q) on the same settings.
		const unpiped = await privacySweep(iris, config, { ...dp, noiseMultipliers: [1] });
		expect(unpiped.points[0].epsilon).not.toBe(result.points[0].epsilon);
		// Inputs only the pipeline makes are named when it is missing, not crashed on.
		const derived: Pipeline = { ...pipeline, steps: [{ kind: 'derive', name: 'petal_area', expression: 'petal_length * petal_width' }], features: [{ kind: 'scale', column: 'petal_area', method: 'standard' }] };
		const needsIt = { ...config, features: ['petal_area'] };
		await expect(privacySweep(iris, needsIt, { ...dp, noiseMultipliers: [1] })).rejects.toThrow(/petal_area/);
		expect((await privacySweep(iris, { ...needsIt, epochs: 2 }, { ...dp, noiseMultipliers: [2] }, { pipeline: derived })).points).toHaveLength(1);
	});
});
