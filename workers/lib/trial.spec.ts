import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainCheckpoint, TrainConfig, TrialRequest } from '../protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { loadDataset, useCpu } from '../../tests/unit-support';
import { mayBePromoted, runTrial, trialScore } from './trial';
import { trainModel } from './train';

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
const request = (budget: number, resumeFrom: TrialRequest['resumeFrom'] = null): TrialRequest => ({
	searchId: 's',
	trialId: 0,
	rung: resumeFrom ? 1 : 0,
	budget,
	resumeFrom,
	datasetId: 'd',
	config,
	metric: 'valLoss'
});

describe('runTrial', () => {
	it('stores a checkpoint at the end, continues from it when promoted, and matches training straight through', async () => {
		let stored: TrainCheckpoint | null = null;
		const save = async (c: TrainCheckpoint) => void (stored = c);
		const first = await runTrial(table, request(3), { checkpoint: null, saveCheckpoint: save });
		expect(first.started).toBe('scratch');
		expect(first.history).toHaveLength(3);
		expect(stored!.epoch).toBe(3);
		expect(first.score).toBe(first.history[2].valLoss);

		const promoted = await runTrial(table, request(9, { rung: 0, budget: 3 }), { checkpoint: stored, saveCheckpoint: save });
		expect(promoted.started).toBe('checkpoint');
		expect(promoted.history).toHaveLength(9);
		expect(promoted.history.slice(0, 3)).toEqual(first.history);
		expect(stored!.epoch).toBe(9);

		const straight = await runTrial(table, request(9), { checkpoint: null, saveCheckpoint: async () => {} });
		// Adam's running β-powers travel with the checkpoint: the resumed trial is bit for bit the straight one.
		expect(promoted.history).toEqual(straight.history);
		expect(promoted.score).toBe(straight.score);

		// A job that had finished before a reload is not trained again: its checkpoint is the result.
		const again = await runTrial(table, request(9, { rung: 0, budget: 3 }), { checkpoint: stored, saveCheckpoint: () => Promise.reject(new Error('must not train')) });
		expect(again.started).toBe('stored');
		expect(again.score).toBe(promoted.score);
	});

	it('resumes bit for bit after many Adam steps (its β-powers travel with the checkpoint)', async () => {
		// Without them, tfjs recomputed β₁ᵗ with pow() on restore; on digits after 4 + 8 epochs the
		// resumed loss differed in the 9th digit, and a high-rate tune trial drifted by 0.01.
		const digits = loadDataset('digits.csv');
		const wide: TrainConfig = { ...config, target: 'digit', features: digits.columns.map((c) => c.name).filter((n) => n !== 'digit'), hiddenLayers: [64], learningRate: 0.0045 };
		const ask = (budget: number, resumeFrom: TrialRequest['resumeFrom'] = null): TrialRequest => ({ ...request(budget, resumeFrom), config: wide });
		let stored: TrainCheckpoint | null = null;
		await runTrial(digits, ask(4), { checkpoint: null, saveCheckpoint: async (c) => void (stored = c) });
		expect(stored!.adamPowers).toHaveLength(2);
		const promoted = await runTrial(digits, ask(12, { rung: 0, budget: 4 }), { checkpoint: stored, saveCheckpoint: async () => {} });
		const straight = await runTrial(digits, ask(12), { checkpoint: null, saveCheckpoint: async () => {} });
		expect(promoted.started).toBe('checkpoint');
		expect(promoted.history).toEqual(straight.history);
	});

	it('stores no checkpoint for a last-rung job (nothing continues from it), with the same result', async () => {
		const saved: number[] = [];
		const last = await runTrial(table, { ...request(3), lastRung: true }, { checkpoint: null, saveCheckpoint: async (c) => void saved.push(c.epoch) });
		expect(saved).toEqual([]);
		const kept = await runTrial(table, request(3), { checkpoint: null, saveCheckpoint: async (c) => void saved.push(c.epoch) });
		expect(saved).toEqual([3]);
		expect(last.history).toEqual(kept.history);
	});

	it('trains from the start when a promotion finds no checkpoint', async () => {
		const logs: string[] = [];
		const outcome = await runTrial(table, request(4, { rung: 0, budget: 2 }), { checkpoint: null, saveCheckpoint: async () => {}, onEvent: (e) => e.type === 'log' && logs.push(e.message) });
		expect(outcome.started).toBe('scratch');
		expect(outcome.history).toHaveLength(4);
		expect(logs.some((l) => l.includes('no checkpoint after epoch 2'))).toBe(true);
	});

	it('trains a searched cosine schedule as such, and a promoted cosine trial from the start', async () => {
		const cosine: TrainConfig = { ...config, mlp: { schedule: 'cosine' } };
		const ask = (budget: number, resumeFrom: TrialRequest['resumeFrom'] = null): TrialRequest => ({ ...request(budget, resumeFrom), config: cosine });
		let stored: TrainCheckpoint | null = null;
		const first = await runTrial(table, ask(3), { checkpoint: null, saveCheckpoint: async (c) => void (stored = c) });
		const direct = await trainModel(table, { ...cosine, epochs: 3 });
		const constant = await runTrial(table, request(3), { checkpoint: null, saveCheckpoint: async () => {} });
		expect(first.history).toEqual(direct.history);
		expect(first.history[2].trainLoss).not.toBeCloseTo(constant.history[2].trainLoss, 4);
		const logs: string[] = [];
		const promoted = await runTrial(table, ask(6, { rung: 0, budget: 3 }), { checkpoint: stored, saveCheckpoint: async () => {}, onEvent: (e) => e.type === 'log' && logs.push(e.message) });
		expect(promoted.started).toBe('scratch');
		expect(logs.join(' ')).toMatch(/cosine schedule anneals/);
		expect(promoted.history).toEqual((await trainModel(table, { ...cosine, epochs: 6 })).history);
	});

	it('scores a k-fold trial by its folds\' mean with their spread, and promotes it from the start', async () => {
		const kfold: TrainConfig = { ...config, split: { kind: 'kfold', folds: 3, stratify: true } };
		const ask = (budget: number, resumeFrom: TrialRequest['resumeFrom'] = null): TrialRequest => ({ ...request(budget, resumeFrom), config: kfold, metric: 'valMetric' });
		const run = await trainModel(table, { ...kfold, epochs: 2 });
		const outcome = await runTrial(table, ask(2), { checkpoint: null, saveCheckpoint: async () => {} });
		const accuracies = run.crossValidation!.folds.map((f) => f.valMetric!);
		expect(outcome.score).toBeCloseTo(accuracies.reduce((a, b) => a + b) / 3, 12);
		expect(outcome.spread!.folds).toBe(3);
		expect(outcome.spread!.std).toBeGreaterThanOrEqual(0);
		const logs: string[] = [];
		const promoted = await runTrial(table, ask(3, { rung: 0, budget: 2 }), { checkpoint: null, saveCheckpoint: async () => {}, onEvent: (e) => e.type === 'log' && logs.push(e.message) });
		expect(logs.join(' ')).toMatch(/k-fold models must each train/);
		expect(promoted.spread!.folds).toBe(3);
	});

	it('scores by the chosen figure and gives null for a non-finite one', () => {
		const history = [{ epoch: 1, trainLoss: 1, valLoss: 0.5, valMetric: 0.9 }];
		expect(trialScore(history, 'valMetric')).toBe(0.9);
		expect(trialScore([{ ...history[0], valLoss: NaN }], 'valLoss')).toBeNull();
		expect(trialScore([], 'valLoss')).toBeNull();
	});
});

describe('mayBePromoted', () => {
	const ended = (valLoss: number, valMetric = 0.5) => ({ history: [{ epoch: 1, trainLoss: 1, valLoss: 9, valMetric: 0 }, { epoch: 2, trainLoss: 1, valLoss, valMetric }] });
	it('keeps a checkpoint without a bar, or when the last epoch reaches it in the search direction', () => {
		expect(mayBePromoted(ended(0.3), { metric: 'valLoss' })).toBe(true);
		const minimize = { metric: 'valLoss' as const, promotionBar: { score: 0.3, direction: 'minimize' as const } };
		expect(mayBePromoted(ended(0.3), minimize)).toBe(true);
		expect(mayBePromoted(ended(0.2), minimize)).toBe(true);
		expect(mayBePromoted(ended(0.31), minimize)).toBe(false);
		const maximize = { metric: 'valMetric' as const, promotionBar: { score: 0.8, direction: 'maximize' as const } };
		expect(mayBePromoted(ended(0.1, 0.9), maximize)).toBe(true);
		expect(mayBePromoted(ended(0.1, 0.7), maximize)).toBe(false);
	});

	it('keeps none for a score that is not a number (the job is reported failed, never promoted)', () => {
		expect(mayBePromoted(ended(NaN), { metric: 'valLoss', promotionBar: { score: 1e9, direction: 'minimize' } })).toBe(false);
	});
});
