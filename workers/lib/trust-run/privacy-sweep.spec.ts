import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { TrainConfig } from '$workers/protocol';
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
