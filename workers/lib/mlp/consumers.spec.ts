import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationMetrics, Preprocessing, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { MlpOptions } from '$shared/mlp-options';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { trainModel } from '$workers/lib/train';
import { predictTable } from '$workers/lib/predict';
import { softmaxRows } from '$workers/lib/model';
import { encodeFeatures } from '$workers/lib/preprocess';
import { createPredictor, describeModel } from '$workers/lib/share';
import { exportTfjsOnnx, pruneMagnitude, quantizeTfjs } from '$workers/lib/ship';
import { runOnnx } from '$workers/lib/ship/ort.spec-support';
import { rawRows } from '$workers/lib/share/share.spec-support';

beforeAll(useCpu);

const penguins: TrainConfig = {
	...DEFAULT_CONFIG,
	target: 'species',
	task: 'classification',
	features: ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex'],
	epochs: 15,
	patience: 0
};

describe('every consumer of a stored MLP runs one trained with the new layers', () => {
	it.each<[string, MlpOptions]>([
		['tanh, batch-norm, dropout, AdamW, cosine', { activation: 'tanh', dropout: [0.2], batchNorm: true, optimizer: 'adamw', schedule: 'cosine', warmupEpochs: 1 }],
		['GELU, dropout, SGD + momentum', { activation: 'gelu', dropout: [0.1], optimizer: 'sgd', momentum: 0.9 }]
	])('%s: predictTable, the share link predictor and ONNX (onnxruntime-node) agree within 1e-4; quantised and pruned copies still predict', async (_, mlp) => {
		const table = loadDataset('penguins.csv');
		const run = await trainModel(table, { ...penguins, learningRate: mlp.optimizer === 'sgd' ? 0.05 : 0.01, mlp });
		expect((run.metrics as ClassificationMetrics).accuracy).toBeGreaterThanOrEqual(0.9);
		const prep = run.preprocessing as Preprocessing;
		expect(prep).toBeDefined();
		const stored = structuredClone(run.model);
		const predicted = await predictTable(stored, prep, table);

		const share = createPredictor(describeModel(stored), prep);
		const rows = rawRows(table, penguins.features);
		let worstShare = 0;
		rows.forEach((row, r) => {
			const p = share.predict(row).probabilities!;
			p.forEach((v, c) => (worstShare = Math.max(worstShare, Math.abs(v - predicted.probabilities![r][c]))));
		});
		expect(worstShare).toBeLessThan(1e-4);

		const all = Int32Array.from({ length: table.rowCount }, (_, i) => i);
		const { x } = encodeFeatures(table, prep, all);
		const onnx = await exportTfjsOnnx(stored);
		const out = await runOnnx('node', onnx, { input: { type: 'float32', data: x, dims: [table.rowCount, prep.inputSize] } });
		const onnxProbs = softmaxRows(out.output as Float32Array, 3);
		const worstOnnx = onnxProbs.reduce((m, p, r) => Math.max(m, ...p.map((v, c) => Math.abs(v - predicted.probabilities![r][c]))), 0);
		expect(worstOnnx).toBeLessThan(1e-4);

		const quantized = quantizeTfjs(stored, 'uint8');
		const q = await predictTable(quantized, prep, table);
		const agree = q.predictions.filter((p, i) => p === predicted.predictions[i]).length / table.rowCount;
		expect(agree).toBeGreaterThanOrEqual(0.95);

		const species = table.columns.find((c) => c.name === 'species')!;
		if (species.kind !== 'categorical' || prep.target.task !== 'classification') throw new Error('species is a class column');
		const classes = prep.target.classes;
		const y = Int32Array.from(all, (r) => classes.indexOf(species.categories[species.codes[r]]));
		const pruned = await pruneMagnitude(stored, x, y, { targetSparsity: 0.5, epochs: 2, seed: 1 });
		const p = await predictTable(pruned.model, prep, table);
		const truth = Array.from(y, (k) => classes[k]);
		expect(p.predictions.filter((v, i) => v === truth[i]).length / table.rowCount).toBeGreaterThanOrEqual(0.85);
	});
});

describe('the PyTorch training recipe', () => {
	it('carries the MLP options to train.py resolved, and refuses SMOTE by name', async () => {
		const { exportTrainingRecipe } = await import('$workers/lib/share');
		const table = loadDataset('penguins.csv');
		const recipe = exportTrainingRecipe(table, { ...penguins, mlp: { activation: 'tanh', batchNorm: true } }, { kilnVersion: 'test' });
		expect(recipe.manifest.training.mlp).toMatchObject({ activation: 'tanh', batchNorm: true, optimizer: 'adam', schedule: 'constant' });
		expect(() => exportTrainingRecipe(table, { ...penguins, balance: 'smote' }, { kilnVersion: 'test' })).toThrow(/cannot reproduce SMOTE/);
	});
});
