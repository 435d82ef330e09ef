import { splitFor } from '$workers/lib/train-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { predictTable } from '$workers/lib/predict';
import type { ClassificationMetrics, JobEvent, TrainConfig } from '$workers/protocol';
import { trainPrivateModel } from './private-training';
import { epsilon } from './rdp';

beforeAll(useCpu);

describe('trainPrivateModel', () => {
	const table = loadDataset('breast-cancer.csv');
	const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'diagnosis', task: 'classification', features: table.columns.map((c) => c.name).filter((n) => n !== 'diagnosis'), hiddenLayers: [16], epochs: 6, batchSize: 64, learningRate: 0.02, l2: 0 };

	it('trains privately from a table, streaming ε and the validation score every epoch', async () => {
		const events: JobEvent[] = [];
		const privacy: number[] = [];
		const result = await trainPrivateModel(table, config, { clipNorm: 1, noiseMultiplier: 1.1, delta: 1e-5, secureNoise: false }, { onEvent: (e) => events.push(e), onPrivacy: (r) => privacy.push(r.epsilon) });
		// The same train / validation / holdout split as trainModel: 365 + 91 + 113 rows.
		const n = splitFor(table, config).split.train.length;
		expect(n).toBe(365);
		expect(result.trainRows).toBe(n);
		expect(result.history).toHaveLength(6);
		expect(result.privacy.curve).toHaveLength(6);
		const q = 64 / n;
		const steps = Math.round(n / 64);
		expect(result.privacy.sampleRate).toBeCloseTo(q, 12);
		expect(result.privacy.epsilon).toBe(epsilon(q, 1.1, 6 * steps, 1e-5));
		expect(privacy).toEqual(result.privacy.curve.map((r) => r.epsilon));
		expect((result.metrics as ClassificationMetrics).accuracy).toBeGreaterThan(0.9);
		expect(result.privacy.curve.at(-1)!.valMetric).toBe(result.history.at(-1)!.valMetric);
		expect(events.filter((e) => e.type === 'metric')).toHaveLength(6);
		expect(events.find((e) => e.type === 'progress' && e.fraction === 1)).toMatchObject({ epoch: 6, batch: steps, batches: steps });
		expect(events.at(-1)).toEqual({ type: 'done' });
		// The saved model predicts like any other Kiln model.
		const predicted = await predictTable(result.model, result.preprocessing!, table);
		expect(predicted.predictions).toHaveLength(569);
	});

	it('stops at a privacy budget and says so', async () => {
		const events: JobEvent[] = [];
		const result = await trainPrivateModel(table, { ...config, epochs: 50 }, { clipNorm: 1, noiseMultiplier: 1, delta: 1e-5, budgetEpsilon: 5, secureNoise: false }, { onEvent: (e) => events.push(e) });
		expect(result.privacy.stoppedByBudget).toBe(true);
		expect(result.privacy.epsilon).toBeLessThanOrEqual(5);
		expect(events.some((e) => e.type === 'log' && /ε = 5/.test(e.message))).toBe(true);
	});
});
