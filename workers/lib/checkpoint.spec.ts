import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationMetrics, TrainCheckpoint, TrainConfig } from '../protocol';
import { loadDataset, useCpu } from '../../tests/unit-support';
import { trainModel } from './train';
import { DEFAULT_CONFIG } from '$shared/train-config';

beforeAll(useCpu);

const table = () => loadDataset('penguins.csv');
const config: TrainConfig = {
	...DEFAULT_CONFIG,
	epochs: 12,
	target: 'species',
	task: 'classification',
	features: ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex']
};

describe('checkpoints', () => {
	it('resuming from epoch 5 ends where the uninterrupted run ends', async () => {
		const checkpoints: TrainCheckpoint[] = [];
		const full = await trainModel(table(), config, {
			checkpointInterval: 0,
			onCheckpoint: (c) => void checkpoints.push(c)
		});
		expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
		const fifth = checkpoints[4];
		expect(fifth.history).toEqual(full.history.slice(0, 5));

		const resumed = await trainModel(table(), config, { resume: structuredClone(fifth) });
		expect(resumed.history.slice(0, 5)).toEqual(full.history.slice(0, 5));
		expect(resumed.history).toHaveLength(12);
		// Adam's bias corrections are recomputed from the step count on restore, so the result
		// may differ from the straight run in the last float bits, not more.
		const a = new Float32Array(full.model.weightData);
		const b = new Float32Array(resumed.model.weightData);
		const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
		expect(worst).toBeLessThan(1e-4);
		expect((resumed.metrics as ClassificationMetrics).accuracy).toBe((full.metrics as ClassificationMetrics).accuracy);
	});

	it('a resumed run differs from a restart: it does not begin at epoch 1 again', async () => {
		const checkpoints: TrainCheckpoint[] = [];
		await trainModel(table(), { ...config, epochs: 4 }, { checkpointInterval: 0, onCheckpoint: (c) => void checkpoints.push(c) });
		const events: string[] = [];
		await trainModel(table(), { ...config, epochs: 4 }, {
			resume: checkpoints[2],
			onEvent: (e) => e.type === 'metric' && events.push(`epoch ${e.epoch}`)
		});
		expect(events).toEqual(['epoch 4']);
	});

	it('stores the preprocessing with each checkpoint, and a resume uses it rather than refitting', async () => {
		const checkpoints: TrainCheckpoint[] = [];
		const full = await trainModel(table(), { ...config, epochs: 4 }, { checkpointInterval: 0, onCheckpoint: (c) => void checkpoints.push(c) });
		expect(checkpoints[1].preprocessing).toEqual(full.preprocessing);
		// A checkpoint whose island order differs from what a refit gives: the resume must keep it.
		const stored = structuredClone(checkpoints[1]);
		const island = stored.preprocessing!.features.find((f) => f.name === 'island')!;
		if (island.kind !== 'categorical') throw new Error('island is categorical');
		island.categories.reverse();
		const resumed = await trainModel(table(), { ...config, epochs: 4 }, { resume: stored });
		expect(resumed.preprocessing.features.find((f) => f.name === 'island')).toEqual(island);
	});

	it('refuses a checkpoint from a different model', async () => {
		const checkpoints: TrainCheckpoint[] = [];
		await trainModel(table(), { ...config, epochs: 3 }, { checkpointInterval: 0, onCheckpoint: (c) => void checkpoints.push(c) });
		await expect(trainModel(table(), { ...config, hiddenLayers: [8] }, { resume: checkpoints[0] })).rejects.toThrow(/does not fit this model/);
	});
});
