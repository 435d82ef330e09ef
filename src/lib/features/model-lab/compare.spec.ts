import { describe, expect, it } from 'vitest';
import type { RunRecord } from '$lib/db';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { classicConfig } from '$workers/lib/model-lab/config';
import { defaultParams } from '$workers/lib/models/params';
import { bestIndex, configDiff, curves, datasetVersionSeen, metricRows, runManifest } from './compare';

const base = { ...DEFAULT_CONFIG, target: 'species', task: 'classification' as const, features: ['a', 'b'] };
const metrics = (accuracy: number) => ({ task: 'classification' as const, accuracy, macroF1: accuracy - 0.01, classes: ['x', 'y'], confusion: [[1, 0], [0, 1]], support: 30 });
const mlp: RunRecord = { id: 'r1', projectId: 'p', datasetId: 'd', config: base, status: 'done', createdAt: 1, history: [1, 2, 3].map((e) => ({ epoch: e, trainLoss: 1 / e, valLoss: 1.2 / e, valMetric: 0.8 + e / 100 })), metrics: metrics(0.9), durationMs: 2000, split: { train: 90, validation: 30, holdout: 30 } };
const forest: RunRecord = { ...mlp, id: 'r2', config: classicConfig(base, { family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 50 } }), history: [10, 50].map((e) => ({ epoch: e, trainLoss: 0.1, valLoss: 0.2, valMetric: 0.95 })), metrics: metrics(0.96), durationMs: 500, classicInfo: { family: 'forest', modelBytes: 4096, notes: [] } };

describe('run comparison', () => {
	it('puts metrics side by side and marks the best', () => {
		const rows = metricRows([mlp, forest]);
		expect(rows[0]).toMatchObject({ label: 'Holdout accuracy', values: [0.9, 0.96] });
		expect(bestIndex(rows[0])).toBe(1);
		expect(bestIndex(rows.find((r) => r.label === 'Training time')!)).toBe(1);
		expect(rows.find((r) => r.label === 'Model size')!.values).toEqual([null, 4096]);
	});

	it('diffs the settings and keeps equal ones apart', () => {
		const { differ, same } = configDiff([mlp, forest]);
		expect(differ.find((d) => d.key === 'model')!.values).toEqual(['MLP 32-16', 'random forest']);
		expect(differ.find((d) => d.key === 'nTrees')!.values).toEqual(['—', '50']);
		expect(same).toEqual(expect.arrayContaining(['target', 'seed', 'holdout']));
		// MLP options: an old run (no options stored) against one with them.
		const tuned: RunRecord = { ...mlp, id: 'r3', config: { ...base, mlp: { activation: 'tanh', optimizer: 'sgd', nesterov: true, schedule: 'cosine', warmupEpochs: 2 } } };
		const diff = configDiff([mlp, tuned]);
		expect(diff.differ.find((d) => d.key === 'activation')!.values).toEqual(['relu', 'tanh']);
		expect(diff.differ.find((d) => d.key === 'optimizer')!.values).toEqual(['Adam', 'SGD, momentum 0.9, Nesterov']);
		expect(diff.differ.find((d) => d.key === 'schedule')!.values).toEqual(['constant', 'cosine, 2 warm-up']);
		expect(diff.same).toEqual(expect.arrayContaining(['dropout', 'batchNorm']));
	});

	it('overlays curves on a shared unit, or on each run’s share of training when units differ', () => {
		expect(curves([mlp, { ...mlp, id: 'r3' }]).unit).toBe('epoch');
		const mixed = curves([mlp, forest]);
		expect(mixed.unit).toMatch(/%/);
		expect(mixed.series[1].points).toEqual([[20, 0.95], [100, 0.95]]);
	});

	it('writes a manifest with data, config, seed, split, backend and versions', () => {
		const m = runManifest(forest, null, { kiln: '0.1.0', libraries: { '@tensorflow/tfjs-core': '4.22.0' } });
		expect(m).toMatchObject({ kind: 'kiln-run-manifest', seed: 42, split: { holdout: 30 }, dataset: { id: 'd' } });
		expect(String(m.backend)).toMatch(/plain JavaScript/);
	});

	it('names the dataset version a run saw when the dataset was edited after it trained', () => {
		expect(datasetVersionSeen({ createdAt: 5 }, {})).toEqual({ version: 1 });
		const edits = [{ at: 10, what: '1 image removed', rowsBefore: 12, rowsAfter: 11 }, { at: 20, what: '1 image moved to “flat”', rowsBefore: 11, rowsAfter: 11 }];
		expect(datasetVersionSeen({ createdAt: 15 }, { edits })).toMatchObject({ version: 3, trainedOnVersion: 2, rowsWhenTrained: 11 });
		expect(datasetVersionSeen({ createdAt: 5 }, { edits })).toMatchObject({ version: 3, trainedOnVersion: 1, rowsWhenTrained: 12, note: expect.stringMatching(/Edited 2 times after this run/) });
		expect(datasetVersionSeen({ createdAt: 25 }, { edits })).not.toHaveProperty('trainedOnVersion');
	});
});
