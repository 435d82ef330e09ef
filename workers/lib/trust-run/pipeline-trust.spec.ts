import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationMetrics, Table, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { classicConfig } from '$workers/lib/model-lab/config';
import { defaultParams } from '$workers/lib/models';
import { trainModel } from '$workers/lib/train';
import { prepareTraining } from '$workers/lib/train-data';
import { trainPrivateModel } from '$workers/lib/trust/private-training';
import { epsilon } from '$workers/lib/trust/rdp';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { checkLabels } from './label-check';
import { robustnessOfRun } from './robustness-run';
import { trainVariant } from './variant-train';

beforeAll(useCpu);

/** A row filter (the replay must drop the same rows) and min-max / robust scaling instead of the built-in standardising. */
const irisPipeline: Pipeline = {
	format: 'kiln-pipeline',
	version: 1,
	steps: [{ kind: 'filter', expression: 'sepal_width >= 2.3' }],
	features: [
		{ kind: 'scale', column: 'petal_length', method: 'min-max' },
		{ kind: 'scale', column: 'petal_width', method: 'robust' },
		{ kind: 'scale', column: 'sepal_length', method: 'min-max' }
	]
};

/** Categories as ordinal codes and a filter on age, for the fairness variant on CPS wages. */
const wagesPipeline: Pipeline = {
	format: 'kiln-pipeline',
	version: 1,
	steps: [{ kind: 'filter', expression: 'age >= 20' }],
	features: [
		{ kind: 'scale', column: 'education', method: 'min-max' },
		{ kind: 'scale', column: 'experience', method: 'standard' },
		{ kind: 'one-hot', column: 'occupation', maxCategories: 10, other: true, missing: 'mode' },
		{ kind: 'ordinal', column: 'union', order: ['no', 'yes'] },
		{ kind: 'one-hot', column: 'gender', maxCategories: 5, other: false, missing: 'mode' }
	]
};

const irisConfig = (table: Table): TrainConfig => ({ ...DEFAULT_CONFIG, target: 'species', task: 'classification', features: table.columns.map((c) => c.name).filter((n) => n !== 'species'), epochs: 15, seed: 7 });

describe('trust tools on runs with a Prepare pipeline', () => {
	it('label check: a planted flipped label is flagged by its dataset row number, rows the filter drops are not scored', async () => {
		const table = loadDataset('iris.csv');
		const config = irisConfig(table);
		const data = prepareTraining(table, config, undefined, irisPipeline);
		const species = table.columns.find((c) => c.name === 'species')!;
		if (species.kind !== 'categorical') throw new Error('species is a category');
		const setosa = species.categories.indexOf('setosa');
		const victim = Array.from(data.train.rows).find((r) => species.codes[r] === setosa)!;
		const codes = species.codes.slice();
		codes[victim] = species.categories.indexOf('virginica');
		const poisoned: Table = { ...table, columns: table.columns.map((c) => (c === species ? { ...species, codes } : c)) };
		const result = await checkLabels(poisoned, config, { pipeline: irisPipeline });
		// Fewer rows than the built-in encoding scores: the pipeline's filter removed some.
		expect(result.trainRows).toBe(prepareTraining(poisoned, config, undefined, irisPipeline).train.rows.length);
		expect(result.trainRows).toBeLessThan(prepareTraining(poisoned, config).train.rows.length);
		expect(result.suspects.slice(0, 5).map((s) => s.rowNumber)).toContain(victim + 1);
		const flagged = result.suspects.find((s) => s.rowNumber === victim + 1)!;
		expect([flagged.label, flagged.predicted]).toEqual(['virginica', 'setosa']);
		const sepalWidth = table.columns.find((c) => c.name === 'sepal_width')!;
		if (sepalWidth.kind !== 'numeric') throw new Error('sepal_width is a number');
		expect(result.suspects.every((s) => sepalWidth.values[s.rowNumber - 1] >= 2.3)).toBe(true);
	});

	it('DP-SGD through the pipeline: ε as the accountant charges it on the filtered rows, a real model, the fitted pipeline kept', async () => {
		const table = loadDataset('iris.csv');
		const config = { ...irisConfig(table), epochs: 8, batchSize: 16, learningRate: 0.05 };
		const logs: string[] = [];
		const result = await trainPrivateModel(table, config, { clipNorm: 1, noiseMultiplier: 1, delta: 1e-5, secureNoise: false }, { pipeline: irisPipeline, onEvent: (e) => e.type === 'log' && logs.push(e.message) });
		expect(result.preprocessing).toBeUndefined();
		expect(result.pipeline!.inputs.map((c) => c.name).sort()).toEqual(['petal_length', 'petal_width', 'sepal_length']);
		const rows = result.trainRows;
		expect(rows).toBe(prepareTraining(table, config, undefined, irisPipeline).train.rows.length);
		expect(result.privacy.epsilon).toBe(epsilon(16 / rows, 1, 8 * Math.round(rows / 16), 1e-5));
		expect((result.metrics as ClassificationMetrics).accuracy).toBeGreaterThan(0.7);
		expect(logs.some((l) => /pipeline's steps are fitted on the training rows without noise/.test(l))).toBe(true);
		// The stored run is scored through run-model like any pipeline run: the FGSM curve's clean accuracy is its holdout accuracy.
		const curve = await robustnessOfRun(table, config, { artifacts: result.model, pipeline: result.pipeline }, { attack: 'fgsm', norm: 'linf', epsilons: [0.2] });
		expect(curve.clean).toBeCloseTo((result.metrics as ClassificationMetrics).accuracy, 6);
		expect(curve.holdoutRows).toBe(result.holdoutRows);
	});

	it('reweighing and adversarial training through the pipeline: the same rows and encoding as a plain pipeline run', async () => {
		const wages = loadDataset('cps-wages-1985.csv');
		const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'wage_above_median', task: 'classification', features: ['education', 'experience', 'occupation', 'union', 'gender'], epochs: 5, seed: 3 };
		const plain = await trainModel(wages, config, { pipeline: wagesPipeline });
		const reweighed = await trainVariant(wages, config, { kind: 'reweighed', sensitive: ['gender', 'race'], positiveClass: 'yes' }, { pipeline: wagesPipeline });
		expect(reweighed.preprocessing).toBeUndefined();
		expect([reweighed.trainRows, reweighed.holdoutRows]).toEqual([plain.trainRows, plain.holdoutRows]);
		expect(reweighed.pipeline!.inputSize).toBe(plain.pipeline!.inputSize);
		expect(reweighed.history.at(-1)!.trainLoss).toBeLessThan(reweighed.history[0].trainLoss);
		expect((reweighed.metrics as ClassificationMetrics).accuracy).toBeGreaterThan(0.6);

		const iris = loadDataset('iris.csv');
		const adversarial = await trainVariant(iris, { ...irisConfig(iris), epochs: 10 }, { kind: 'adversarial', norm: 'linf', epsilon: 0.1, ratio: 0.5, steps: 3 }, { pipeline: irisPipeline });
		expect(adversarial.pipeline!.inputSize).toBe(3);
		expect((adversarial.metrics as ClassificationMetrics).accuracy).toBeGreaterThan(0.6);
	});

	it('refuses both variants on a classic run, naming why', async () => {
		const wages = loadDataset('cps-wages-1985.csv');
		const tree = classicConfig({ ...DEFAULT_CONFIG, target: 'wage_above_median', task: 'classification', features: ['education', 'gender'] }, { family: 'tree', params: defaultParams('tree', 'classification') });
		await expect(trainVariant(wages, tree, { kind: 'reweighed', sensitive: ['gender'], positiveClass: 'yes' })).rejects.toThrow(/Reweighing retrains a network through its loss; this run is a tree model/);
		await expect(trainVariant(wages, tree, { kind: 'adversarial', norm: 'linf', epsilon: 0.1, ratio: 0.5, steps: 3 })).rejects.toThrow(/Adversarial training retrains a network/);
	});
});
