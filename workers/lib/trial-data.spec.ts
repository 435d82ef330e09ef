import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainCheckpoint, TrainConfig, TrialRequest } from '../protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { loadDataset, useCpu } from '../../tests/unit-support';
import { runTrial } from './trial';
import { createTrialDataCache } from './trial-data';
import { trainForScore, trainModel } from './train';

beforeAll(useCpu);

const table = loadDataset('iris.csv');
const config: TrainConfig = {
	...DEFAULT_CONFIG,
	target: 'species',
	task: 'classification',
	features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
	hiddenLayers: [8],
	patience: 0,
	learningRate: 0.02
};
const request = (budget: number, over: Partial<TrainConfig> = {}, resumeFrom: TrialRequest['resumeFrom'] = null): TrialRequest => ({
	searchId: 's',
	trialId: 0,
	rung: resumeFrom ? 1 : 0,
	budget,
	resumeFrom,
	datasetId: 'd',
	config: { ...config, ...over },
	metric: 'valLoss'
});

describe('trial data cache', () => {
	it('encodes a split once for trials that differ in their model only, and again for another split', () => {
		const prepare = createTrialDataCache();
		const first = prepare(table, config, undefined);
		expect(prepare(table, { ...config, hiddenLayers: [16, 16], learningRate: 0.1, batchSize: 8, epochs: 3, mlp: { activation: 'tanh' } }, undefined)).toBe(first);
		const otherSeed = prepare(table, { ...config, seed: 7 }, undefined);
		expect(otherSeed).not.toBe(first);
		expect(prepare(table, { ...config, features: ['petal_length'] }, undefined).width).toBe(1);
		// Bounded: one split is kept.
		expect(prepare.entries).toBe(1);
	});

	it('gives a promotion the entry only when its checkpoint carries the entry’s encoding', () => {
		const prepare = createTrialDataCache();
		const first = prepare(table, config, undefined);
		expect(prepare(table, config, structuredClone(first.prep!))).toBe(first);
		const shifted = structuredClone(first.prep!);
		const numeric = shifted.features.find((f) => f.kind === 'numeric')!;
		if (numeric.kind === 'numeric') numeric.mean += 1;
		const other = prepare(table, config, shifted);
		expect(other).not.toBe(first);
		expect(other.train.x).not.toEqual(first.train.x);
	});

	it('changes no trial: cached runs, promotions included, match fresh ones bit for bit', async () => {
		const prepare = createTrialDataCache();
		const fresh = async (budget: number, over: Partial<TrainConfig>, checkpoint: TrainCheckpoint | null = null, from: TrialRequest['resumeFrom'] = null) =>
			runTrial(table, request(budget, over, from), { checkpoint, saveCheckpoint: async () => {} });
		let stored: TrainCheckpoint | null = null;
		const wide = { hiddenLayers: [16, 16] };
		const a = await runTrial(table, request(3, wide), { checkpoint: null, saveCheckpoint: async (c) => void (stored = c), prepare });
		const b = await runTrial(table, request(3, { learningRate: 0.005 }), { checkpoint: null, saveCheckpoint: async () => {}, prepare });
		const promoted = await runTrial(table, request(6, wide, { rung: 0, budget: 3 }), { checkpoint: stored, saveCheckpoint: async () => {}, prepare });
		expect(prepare.entries).toBe(1);
		expect(a.history).toEqual((await fresh(3, wide)).history);
		expect(b.history).toEqual((await fresh(3, { learningRate: 0.005 })).history);
		expect(promoted.started).toBe('checkpoint');
		expect(promoted.history).toEqual((await fresh(6, wide)).history);
	});

	it('scores a trial by the very curve trainModel trains, without the final model’s extras', async () => {
		const trial = await trainForScore(table, { ...config, epochs: 4 });
		const run = await trainModel(table, { ...config, epochs: 4 });
		expect(trial.history).toEqual(run.history);
		expect(trial.backend).toBe(run.backend);
		expect(trial).not.toHaveProperty('model');
	});
});
