import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationMetrics, RunResult, TrainCheckpoint, TrainConfig } from '$workers/protocol';
import type { MlpOptions } from '$shared/mlp-options';
import { DEFAULT_CONFIG, configProblems } from '$shared/train-config';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { trainModel } from '$workers/lib/train';

beforeAll(useCpu);

const iris: TrainConfig = { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'], epochs: 30, patience: 0 };
const rich: MlpOptions = { activation: 'tanh', dropout: [0.2], batchNorm: true, optimizer: 'sgd', momentum: 0.9, nesterov: true, schedule: 'cosine', warmupEpochs: 2 };
const accuracy = (r: RunResult) => (r.metrics as ClassificationMetrics).accuracy;
const layerClasses = (r: RunResult) => ((r.model.modelTopology as { config: { layers: { class_name: string; config: { activation?: string } }[] } }).config.layers).map((l) => `${l.class_name}:${l.config.activation ?? ''}`);

describe('MLP options, trained end to end', () => {
	it('learns iris with tanh, batch-norm, dropout, SGD + Nesterov and a warmed-up cosine rate, stored as plain Dense layers', async () => {
		const run = await trainModel(loadDataset('iris.csv'), { ...iris, learningRate: 0.05, mlp: rich });
		expect(accuracy(run)).toBeGreaterThanOrEqual(0.9);
		expect(layerClasses(run)).toEqual(['Dense:tanh', 'Dense:tanh', 'Dense:linear']);
	});

	it.each<[string, MlpOptions]>([
		['elu + AdamW + step decay', { activation: 'elu', optimizer: 'adamw', weightDecay: 0.05, schedule: 'step', stepEvery: 10, stepFactor: 0.5 }],
		['sigmoid + per-layer dropout + batch-norm', { activation: 'sigmoid', dropout: [0.1, 0.3], batchNorm: true }]
	])('learns iris with %s', async (_, mlp) => {
		const run = await trainModel(loadDataset('iris.csv'), { ...iris, learningRate: 0.02, mlp });
		expect(accuracy(run)).toBeGreaterThanOrEqual(0.9);
	});

	it('the same seed gives the same weights with dropout and batch-norm; another seed does not', async () => {
		const config = { ...iris, epochs: 6, mlp: { ...rich, dropout: [0.5] } };
		const [a, b, c] = await Promise.all([trainModel(loadDataset('iris.csv'), config), trainModel(loadDataset('iris.csv'), config), trainModel(loadDataset('iris.csv'), { ...config, seed: 7 })]);
		expect(new Float32Array(b.model.weightData)).toEqual(new Float32Array(a.model.weightData));
		expect(b.history).toEqual(a.history);
		expect(new Float32Array(c.model.weightData)).not.toEqual(new Float32Array(a.model.weightData));
	});

	it('resuming after a closed tab (epoch 4 checkpoint) ends where the uninterrupted run ends: optimiser state, running averages and schedule position', async () => {
		const config = { ...iris, epochs: 9, mlp: { ...rich, schedule: 'step' as const, stepEvery: 3, stepFactor: 0.5, warmupEpochs: 1 } };
		const checkpoints: TrainCheckpoint[] = [];
		const full = await trainModel(loadDataset('iris.csv'), config, { checkpointInterval: 0, onCheckpoint: (c) => void checkpoints.push(c) });
		// The checkpoint keeps the unfolded model: batch-norm's running mean and variance travel with it.
		expect(checkpoints[3].model.weightSpecs.some((s) => s.name.includes('moving_mean'))).toBe(true);
		const resumed = await trainModel(loadDataset('iris.csv'), config, { resume: structuredClone(checkpoints[3]) });
		const a = new Float32Array(full.model.weightData);
		const b = new Float32Array(resumed.model.weightData);
		expect(b.length).toBe(a.length);
		const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
		expect(worst).toBeLessThan(1e-5);
		expect(resumed.history.map((h) => h.trainLoss)).toEqual(full.history.map((h) => h.trainLoss).map((v, i) => (i < 4 ? v : expect.closeTo(v, 5))));
	});

	it('resuming an AdamW + dropout run with a cosine schedule equals the uninterrupted run', async () => {
		const config = { ...iris, epochs: 6, mlp: { optimizer: 'adamw' as const, dropout: [0.3], schedule: 'cosine' as const, activation: 'elu' as const } };
		const checkpoints: TrainCheckpoint[] = [];
		const full = await trainModel(loadDataset('iris.csv'), config, { checkpointInterval: 0, onCheckpoint: (c) => void checkpoints.push(c) });
		const resumed = await trainModel(loadDataset('iris.csv'), config, { resume: structuredClone(checkpoints[2]) });
		const a = new Float32Array(full.model.weightData);
		const b = new Float32Array(resumed.model.weightData);
		expect(a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0)).toBeLessThan(1e-5);
	});

	it('old configs without the options train exactly as before (plain relu + Adam path)', async () => {
		const config = { ...iris, epochs: 4 };
		const [before, explicit] = await Promise.all([trainModel(loadDataset('iris.csv'), config), trainModel(loadDataset('iris.csv'), { ...config, mlp: { activation: 'relu', optimizer: 'adam', schedule: 'constant', dropout: [0], batchNorm: false } })]);
		expect(new Float32Array(explicit.model.weightData)).toEqual(new Float32Array(before.model.weightData));
	});

	it('validates each option with a message a person can act on', async () => {
		const problems = (mlp: MlpOptions) => configProblems({ ...iris, mlp }).mlp;
		expect(problems(rich)).toBeUndefined();
		expect(problems({ dropout: [0.95] })).toMatch(/0 to 0.9/);
		expect(problems({ dropout: [0.1, 0.2, 0.3] })).toMatch(/exactly 2/);
		expect(problems({ momentum: 1 })).toMatch(/below 1/);
		expect(problems({ warmupEpochs: 30 })).toMatch(/Fewer warm-up epochs/);
		expect(problems({ stepFactor: 0 })).toMatch(/above 0/);
		await expect(trainModel(loadDataset('iris.csv'), { ...iris, mlp: { dropout: [2] } })).rejects.toThrow(/mlp: Rates from 0 to 0.9/);
	});
});
