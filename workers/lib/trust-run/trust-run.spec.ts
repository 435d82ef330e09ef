import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationMetrics, Table, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { trainModel } from '$workers/lib/train';
import { splitFor } from '$workers/lib/train-data';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { auditRunFairness } from './fairness-run';
import { robustnessOfRun } from './robustness-run';
import { softmaxFlat } from '$workers/lib/run-evaluation/evaluate-run';
import { argmaxFlat, decodeExample, sensitiveValues } from './run-data';
import { trainVariant } from './variant-train';
import { checkLabels } from './label-check';

beforeAll(useCpu);

function configFor(table: Table, target: string, extra: Partial<TrainConfig> = {}): TrainConfig {
	return { ...DEFAULT_CONFIG, target, task: 'classification', features: table.columns.map((c) => c.name).filter((n) => n !== target), epochs: 15, ...extra };
}

describe('run-data', () => {
	it('softmax rows sum to 1 and argmax picks the largest logit', () => {
		const p = softmaxFlat(Float32Array.of(1, 2, 3, 1000, 0, -1000), 3);
		expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 6);
		expect(p[3]).toBeCloseTo(1, 6);
		expect(Array.from(argmaxFlat(p, 3))).toEqual([2, 0]);
	});

	it('reads groups from categories and from small sets of numbers, and refuses a continuous column', () => {
		const table = loadDataset('cps-wages-1985.csv');
		const [gender] = sensitiveValues(table, ['gender'], [0, 1]);
		expect(gender.values).toEqual(['female', 'female']);
		expect(() => sensitiveValues(table, ['age'], [0])).toThrow(/does not name groups/);
	});

	it('decodes a perturbed row back into the data units', async () => {
		const table = loadDataset('iris.csv');
		const result = await trainModel(table, configFor(table, 'species', { epochs: 1 }));
		const prep = result.preprocessing;
		const before = new Float32Array(prep.inputSize);
		const after = before.slice();
		after[0] = 1;
		const features = decodeExample(prep, before, after);
		const first = prep.features[0];
		if (first.kind !== 'numeric') throw new Error('iris starts with a number');
		expect(features[0].changed).toBe(true);
		expect(Number(features[0].before)).toBeCloseTo(first.mean, 2);
		expect(features[0].after).toContain('(+');
		expect(features.slice(1).every((f) => !f.changed)).toBe(true);
	});
});

describe('auditRunFairness on CPS 1985 wages', () => {
	it('audits the holdout by gender and race, with counts that add up, and fits thresholds on validation rows', async () => {
		const table = loadDataset('cps-wages-1985.csv');
		const config = configFor(table, 'wage_above_median');
		const run = await trainModel(table, config);
		const result = await auditRunFairness(table, config, { artifacts: run.model, preprocessing: run.preprocessing }, { sensitive: ['gender', 'race'], positiveClass: 'yes', objective: 'equalized_odds' });
		const { split } = splitFor(table, config);
		expect(result.holdoutRows).toBe(split.holdout.length);
		const byGender = result.audit.perColumn[0];
		expect(byGender.columns).toEqual(['gender']);
		expect(byGender.groups.map((g) => g.group).sort()).toEqual(['female', 'male']);
		expect(byGender.groups.reduce((n, g) => n + g.count, 0)).toBe(split.holdout.length);
		expect(result.audit.intersectional).not.toBeNull();
		// The baseline accuracy is the run's own holdout accuracy: the same rows, the same model.
		expect(result.baseline.accuracy).toBeCloseTo((run.metrics as ClassificationMetrics).accuracy, 6);
		const selection = byGender.groups.map((g) => g.selectionRate.value);
		expect(byGender.disparities.demographicParityDifference).toBeCloseTo(Math.max(...selection) - Math.min(...selection), 6);
		expect(result.thresholds).not.toBeNull();
		expect(result.thresholds!.validationRows).toBe(split.validation.length);
	});

	it('says plainly when the positive class or the sensitive column is wrong', async () => {
		const table = loadDataset('cps-wages-1985.csv');
		const config = configFor(table, 'wage_above_median', { epochs: 1 });
		const run = await trainModel(table, config);
		const model = { artifacts: run.model, preprocessing: run.preprocessing };
		await expect(auditRunFairness(table, config, model, { sensitive: ['gender'], positiveClass: 'maybe', objective: 'equalized_odds' })).rejects.toThrow(/not one of the model's classes/);
		await expect(auditRunFairness(table, config, model, { sensitive: ['wage_above_median'], positiveClass: 'yes', objective: 'equalized_odds' })).rejects.toThrow(/cannot be a sensitive column/);
	});
});

describe('robustnessOfRun', () => {
	it('starts at the clean holdout accuracy and PGD accuracy does not rise with ε', async () => {
		const table = loadDataset('iris.csv');
		const config = configFor(table, 'species', { epochs: 30 });
		const run = await trainModel(table, config);
		const result = await robustnessOfRun(table, config, { artifacts: run.model, preprocessing: run.preprocessing }, { norm: 'linf', attack: 'pgd', epsilons: [0.5, 0.1, 1], steps: 5, seed: 1 });
		expect(result.points.map((p) => p.epsilon)).toEqual([0, 0.1, 0.5, 1]);
		expect(result.clean).toBeCloseTo((run.metrics as ClassificationMetrics).accuracy, 6);
		expect(result.points[0].accuracy).toBe(result.clean);
		for (let i = 1; i < result.points.length; i++) expect(result.points[i].accuracy).toBeLessThanOrEqual(result.points[i - 1].accuracy);
		expect(result.points.at(-1)!.accuracy).toBeLessThan(result.clean);
		expect(result.examples.length).toBe(5);
		expect(result.examples[0].predictedAfter).not.toBe(result.examples[0].label);
	});
});

describe('trainVariant', () => {
	it('trains a reweighed run on the same split as trainModel', async () => {
		const table = loadDataset('cps-wages-1985.csv');
		const config = configFor(table, 'wage_above_median', { epochs: 10 });
		const result = await trainVariant(table, config, { kind: 'reweighed', sensitive: ['gender'], positiveClass: 'yes' });
		const { split } = splitFor(table, config);
		expect(result.holdoutRows).toBe(split.holdout.length);
		expect(result.history.at(-1)!.trainLoss).toBeLessThan(result.history[0].trainLoss);
		expect((result.metrics as ClassificationMetrics).accuracy).toBeGreaterThan(0.6);
	});
});

describe('checkLabels', () => {
	it('flags a planted flipped label in iris among the first suspects, by its row number', async () => {
		const table = loadDataset('iris.csv');
		const config = configFor(table, 'species');
		const { split } = splitFor(table, config);
		const species = table.columns.find((c) => c.name === 'species')!;
		if (species.kind !== 'categorical') throw new Error('species is a category');
		// A clear setosa in the training rows, relabelled as virginica.
		const setosa = species.categories.indexOf('setosa');
		const virginica = species.categories.indexOf('virginica');
		const victim = Array.from(split.train).find((r) => species.codes[r] === setosa)!;
		const codes = species.codes.slice();
		codes[victim] = virginica;
		const poisoned: Table = { ...table, columns: table.columns.map((c) => (c === species ? { ...species, codes } : c)) };
		const result = await checkLabels(poisoned, config);
		expect(result.trainRows).toBe(split.train.length);
		const top = result.suspects.slice(0, 5).map((s) => s.rowNumber);
		expect(top).toContain(victim + 1);
		const flagged = result.suspects.find((s) => s.rowNumber === victim + 1)!;
		expect(flagged.label).toBe('virginica');
		expect(flagged.predicted).toBe('setosa');
		expect(result.outOfFoldAccuracy).toBeGreaterThan(0.85);
	});
});
