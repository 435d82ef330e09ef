import { describe, expect, it } from 'vitest';
import { DEFAULT_SPACES } from '$workers/lib/tune';
import type { TextNeuralSettings, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { configProblems } from '$shared/train-config';
import { rowsFromSpace, spaceFromRows } from './space-form';
import { baseValue, describeParams, metricChoices, paramCell, partialBestNote, rungLabel, trialConfig, tunableFamilies } from './trial-config';

const base: TrainConfig = { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features: ['a', 'b'] };

describe('trial configs', () => {
	it('turn an MLP trial into hidden layers, copy the rest, and train exactly the budget', () => {
		const config = trialConfig(base, 'mlp', { learningRate: 0.003, l2: 1e-5, hiddenLayerCount: 3, hiddenUnits: 24, batchSize: 64 }, 9);
		expect(config).toMatchObject({ model: 'mlp', learningRate: 0.003, l2: 1e-5, batchSize: 64, hiddenLayers: [24, 24, 24], epochs: 9, patience: 0, seed: 42, target: 'species' });
		expect(config).not.toHaveProperty('hiddenUnits');
		expect(configProblems(config)).toEqual({});
	});

	it('keep the base value of a parameter that is not searched', () => {
		expect(trialConfig(base, 'mlp', { hiddenUnits: 8 }, 3).hiddenLayers).toEqual([8, 8]);
		// The MLP options are searched inside config.mlp, keeping the base's other options.
		const tuned = trialConfig({ ...base, mlp: { optimizer: 'adamw' } }, 'mlp', { activation: 'tanh', dropout: 0.25 }, 3);
		expect(tuned.mlp).toEqual({ optimizer: 'adamw', activation: 'tanh', dropout: [0.25] });
		expect(tuned).not.toHaveProperty('activation');
		expect(configProblems(tuned)).toEqual({});
		expect(trialConfig(base, 'linear', { learningRate: 0.1 }, 3)).toMatchObject({ model: 'linear', learningRate: 0.1, batchSize: 32 });
		expect(baseValue(base, 'hiddenLayerCount')).toBe('2');
		expect(baseValue(base, 'l2')).toBe('0.001');
	});

	it('put searched optimisers and rate schedules into the MLP options the trainer reads', () => {
		const cosine = trialConfig(base, 'mlp', { schedule: 'cosine', optimizer: 'nesterov', momentum: 0.8, warmupEpochs: 3, batchNorm: true }, 3);
		expect(cosine.mlp).toEqual({ schedule: 'cosine', optimizer: 'sgd', nesterov: true, momentum: 0.8, warmupEpochs: 2, batchNorm: true });
		expect(configProblems(cosine)).toEqual({});
		expect(cosine).not.toHaveProperty('schedule');
		const adamw = trialConfig({ ...base, mlp: { optimizer: 'sgd', nesterov: true } }, 'mlp', { optimizer: 'adamw', weightDecay: 0.05, schedule: 'step' }, 9);
		expect(adamw.mlp).toMatchObject({ optimizer: 'adamw', weightDecay: 0.05, schedule: 'step' });
		expect(baseValue({ ...base, mlp: { optimizer: 'sgd', nesterov: true } }, 'optimizer')).toBe('nesterov');
		expect(baseValue(base, 'schedule')).toBe('constant');
	});

	it('turn image and text trials into the run settings their own training reads', async () => {
		const { imageBase, textBase } = await import('./media-base');
		const image = imageBase(undefined);
		const on = trialConfig(image, 'image', { learningRate: 0.001, batchSize: 16, dropout: 0.3, augment: true, preset: 'medium' }, 4);
		expect(on).toMatchObject({ learningRate: 0.001, batchSize: 16, epochs: 4, patience: 0, vision: { preset: 'medium', dropout: 0.3, augment: { rotate: 10, shift: 0.1, flip: 0 } } });
		expect(on).not.toHaveProperty('augment');
		// A run that had its own augmentation keeps it when "on"; "off" clears it.
		const own = { ...image, vision: { ...image.vision!, augment: { ...image.vision!.augment, flip: 0.5 } } };
		expect(trialConfig(own, 'image', { augment: true }, 2).vision!.augment.flip).toBe(0.5);
		expect(Object.values(trialConfig(own, 'image', { augment: false }, 2).vision!.augment).every((v) => v === 0)).toBe(true);
		expect(baseValue(image, 'augment')).toBe('false');
		expect(tunableFamilies('classification', 'images')).toEqual(['image']);

		const text = textBase(undefined, 'review', 'label');
		expect(text.validationFraction).toBeGreaterThan(0);
		const cnn = trialConfig(text, 'text', { textModel: 'cnn', embeddingDim: 32, learningRate: 0.005 }, 3);
		expect(cnn.text!.model).toMatchObject({ family: 'cnn', embeddingDim: 32, width: 64 });
		expect(cnn).toMatchObject({ learningRate: 0.005, epochs: 3, patience: 0 });
		expect(cnn).not.toHaveProperty('textModel');
		// A transformer keeps as many heads as divide the embedding size; other sizes drop the 100-d shipped vectors.
		const glove = { ...text, text: { ...text.text!, model: { ...(text.text!.model as TextNeuralSettings), heads: 3, embeddingDim: 100, pretrained: { url: '/v/', fineTune: false } } } };
		const t = trialConfig(glove, 'text', { textModel: 'transformer', embeddingDim: 64 }, 3).text!.model as TextNeuralSettings;
		expect([t.family, t.heads, t.pretrained]).toEqual(['transformer', 2, undefined]);
		expect(tunableFamilies('classification', 'text')).toEqual(['text']);
	});

	it('every default space of a tunable family gives valid training configs at its bounds', () => {
		for (const family of tunableFamilies()) {
			const space = { ...DEFAULT_SPACES[family].space, ...DEFAULT_SPACES[family].optional };
			const low = Object.fromEntries(Object.entries(space).map(([k, s]) => [k, s.type === 'categorical' ? s.choices[0] : s.low]));
			const high = Object.fromEntries(Object.entries(space).map(([k, s]) => [k, s.type === 'categorical' ? s.choices.at(-1)! : s.high]));
			for (const params of [low, high]) expect(configProblems(trialConfig(base, family, params, 3))).toEqual({});
		}
	});

	it('offer the validation metrics with their directions, and describe parameters briefly', () => {
		expect(metricChoices('classification').map((m) => [m.metric, m.direction])).toEqual([['valLoss', 'minimize'], ['valMetric', 'maximize']]);
		expect(metricChoices('regression')[1]).toMatchObject({ label: 'validation RMSE', direction: 'minimize' });
		expect(describeParams({ learningRate: 0.0123456, batchSize: 32 })).toBe('Learning rate 0.0123 · Batch size 32');
		// The trial table's cells: whole numbers as they are, fractions as metrics are shown, choices as text.
		expect([3, 184, 16, 0.0123456, 0.5, 2.514e-6, 'elu', false].map(paramCell)).toEqual(['3', '184', '16', '0.012', '0.500', '2.514e-6', 'elu', 'false']);
	});
});

describe('the space editor', () => {
	it('round-trips a default space and drops parameters that are switched off', () => {
		const rows = rowsFromSpace(DEFAULT_SPACES.mlp.space);
		expect(spaceFromRows(rows).space).toEqual(DEFAULT_SPACES.mlp.space);
		rows.find((r) => r.name === 'batchSize')!.enabled = false;
		expect(Object.keys(spaceFromRows(rows).space!)).not.toContain('batchSize');
	});

	it('names what is wrong in a row', () => {
		const rows = rowsFromSpace(DEFAULT_SPACES.linear.space);
		rows[0].low = '0';
		expect(spaceFromRows(rows).problems.learningRate).toBe('A log range must start above 0.');
		rows[0].low = 'abc';
		expect(spaceFromRows(rows).problems.learningRate).toMatch(/number/);
		rows[0].low = '0.3';
		expect(spaceFromRows(rows).problems.learningRate).toMatch(/below/);
		rows[2].choices = ' , ';
		expect(spaceFromRows(rows).problems.batchSize).toMatch(/at least one choice/);
		expect(spaceFromRows(rows.map((r) => ({ ...r, enabled: false }))).problems['']).toMatch(/at least one/);
	});
});

describe('the search form', () => {
	it('turns the defaults into a valid TPE + ASHA plan over the family space', async () => {
		const { defaultForm, planFromForm } = await import('./search-plan');
		const form = defaultForm('mlp', 'classification', 2);
		const { plan, problems } = planFromForm(form, 2);
		expect(problems).toEqual({});
		expect(plan).toMatchObject({ family: 'mlp', metric: 'valLoss', parallel: 2, search: { sampler: { kind: 'tpe' }, scheduler: { kind: 'asha', eta: 3, minBudget: 3, maxBudget: 27 }, direction: 'minimize', maxTrials: 16 } });
		expect(Object.keys(plan!.search.space)).toEqual(['learningRate', 'l2', 'hiddenLayerCount', 'hiddenUnits', 'batchSize', 'activation', 'dropout']);
		// The optimiser and schedule are offered switched off; ticked, they are searched like the rest.
		form.rows.find((r) => r.name === 'schedule')!.enabled = true;
		expect(planFromForm(form, 2).plan!.search.space.schedule).toEqual({ type: 'categorical', choices: ['constant', 'step', 'cosine'] });
	});

	it('visits a grid in a seeded shuffled order under ASHA, and in its own order otherwise', async () => {
		const { defaultForm, planFromForm } = await import('./search-plan');
		const { createSearch, nextJob } = await import('$workers/lib/tune');
		const form = { ...defaultForm('mlp', 'classification', 2), sampler: 'grid' as const, gridPoints: '3', trials: '1000' };
		for (const row of form.rows) row.enabled = ['learningRate', 'hiddenUnits'].includes(row.name);
		const asha = planFromForm(form, 2).plan!.search;
		const plain = planFromForm({ ...form, asha: false }, 2).plan!.search;
		expect(asha.sampler).toEqual({ kind: 'grid', pointsPerParam: 3, shuffle: true });
		expect(plain.sampler).toEqual({ kind: 'grid', pointsPerParam: 3 });
		// ASHA's first rung: every one of the 9 points once, not learning rate by learning rate.
		const firstRung = (settings: typeof asha) => {
			const state = createSearch(settings);
			return Array.from({ length: 9 }, () => JSON.stringify(nextJob(state)!.config));
		};
		const shuffled = firstRung(asha);
		const inOrder = firstRung({ ...asha, sampler: { kind: 'grid', pointsPerParam: 3 } });
		expect(new Set(shuffled).size).toBe(9);
		expect([...shuffled].sort()).toEqual([...inOrder].sort());
		expect(shuffled).not.toEqual(inOrder);
		expect(firstRung(asha)).toEqual(shuffled);
	});

	it('gives image and text searches short trials, and transfer runs head epochs', async () => {
		const { defaultForm } = await import('./search-plan');
		const { imageBase } = await import('./media-base');
		expect(defaultForm('image', 'classification', 2)).toMatchObject({ minEpochs: '1', maxEpochs: '9', epochs: '3', trials: '8' });
		expect(defaultForm('text', 'classification', 2)).toMatchObject({ minEpochs: '1', maxEpochs: '9' });
		const transfer = { ...imageBase(undefined), vision: { ...imageBase(undefined).vision!, mode: 'transfer' as const } };
		expect(defaultForm('image', 'classification', 2, transfer)).toMatchObject({ minEpochs: '10', maxEpochs: '90', epochs: '10' });
		expect(defaultForm('mlp', 'classification', 2)).toMatchObject({ minEpochs: '3', maxEpochs: '27', epochs: '30' });
	});

	it('names each field to fix, and refuses a grid too large to run', async () => {
		const { defaultForm, planFromForm } = await import('./search-plan');
		const form = { ...defaultForm('linear', 'regression', 2), trials: '0', parallel: '5', maxEpochs: '4' };
		const { plan, problems } = planFromForm(form, 2);
		expect(plan).toBeNull();
		expect(problems).toMatchObject({ trials: 'A whole number from 1 to 1000.', parallel: 'A whole number from 1 to 2.' });
		expect(problems.maxEpochs).toMatch(/η × the minimum \(9\)/);
		const grid = planFromForm({ ...defaultForm('mlp', 'regression', 2), sampler: 'grid', gridPoints: '10' }, 2);
		expect(grid.problems.settings).toMatch(/grid/i);
	});

	it('starts trials from the last run on this target, with validation rows', async () => {
		const { baseConfig } = await import('./search-plan');
		expect(baseConfig({ ...base, validationFraction: 0, learningRate: 0.5 }, 'species', 'classification', ['a'])).toMatchObject({ learningRate: 0.5, validationFraction: 0.2, features: ['a', 'b'] });
		expect(baseConfig({ ...base, target: 'other' }, 'species', 'classification', ['a'])).toMatchObject({ features: ['a'], learningRate: DEFAULT_CONFIG.learningRate });
	});
});

describe('rungs in words', () => {
	it('names a rung by its budget and marks the full one', () => {
		expect([0, 1, 2].map((r) => rungLabel([3, 9, 27], r, 'epochs'))).toEqual(['3 epochs', '9 epochs', '27 epochs (full budget)']);
		expect(rungLabel([50], 0, 'rounds')).toBe('50 rounds (full budget)');
		expect(rungLabel([1], 0, null)).toBe('fitted in one go');
	});

	it('says when the best trial was scored short of the full budget', () => {
		expect(partialBestNote([3, 9, 27], 2, 'epochs', false)).toBeNull();
		expect(partialBestNote([3, 9, 27], 1, 'epochs', false)).toBe('scored at 9 of 27 epochs: no trial has reached the full budget, so the best is taken among those that went furthest');
		expect(partialBestNote([3, 9, 27], 0, 'epochs', true)).toContain('no trial has reached the full budget yet');
	});
});
