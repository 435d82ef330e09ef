import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TextTrainSettings, TrainConfig, VisionConfig } from '$workers/protocol';
import { buildModel, deserializeModel, forward } from '$workers/lib/model';
import { foldForStorage } from '$workers/lib/mlp/fold';
import { predictTable } from '$workers/lib/predict';
import { prepareTraining } from '$workers/lib/train-data';
import { createRng } from '$workers/lib/random';
import { withConfigDefaults } from '$shared/train-config';
import { MLP_ACTIVATIONS } from '$shared/mlp-options';
import { trainBriefly, useCpu, type Trained } from '../share.spec-support';
import { importTorchWeights } from './import-weights';
import { COPIES_COLUMN, SPLIT_COLUMN, exportTrainingRecipe } from './recipe';
import { TORCH_ACTIVATIONS } from './torch-model';

beforeAll(useCpu);

let penguins: Trained;
beforeAll(async () => {
	penguins = await trainBriefly('penguins.csv', 'species', { hiddenLayers: [8], epochs: 5 });
});

const buffer = (bytes: Uint8Array) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
const rowsOf = async (files: Record<string, Uint8Array>, shards: string[]) => {
	const rows: Record<string, unknown>[] = [];
	for (const shard of shards) rows.push(...(await parquetReadObjects({ file: buffer(files[shard]) })));
	return rows;
};

describe('training recipe export', () => {
	it('writes Parquet shards with the raw columns and the exact split and preprocessing of trainModel', async () => {
		const { table, config, result } = penguins;
		const recipe = exportTrainingRecipe(table, config, { kilnVersion: '0.1.0', projectName: 'Penguins', shardRows: 100 });
		expect(recipe.manifest.shards).toEqual(['data/part-00000.parquet', 'data/part-00001.parquet', 'data/part-00002.parquet', 'data/part-00003.parquet']);
		expect(recipe.manifest.preprocessing).toEqual(result.preprocessing);
		expect(recipe.manifest.rows).toEqual({ train: result.trainRows, validation: result.validationRows, holdout: result.holdoutRows, unlabelled: 0 });
		expect(recipe.manifest.training).toEqual({ mlp: expect.objectContaining({ activation: 'relu', optimizer: 'adam', batchNorm: false }), balance: 'none', classWeights: null, copiesColumn: COPIES_COLUMN });
		const rows = await rowsOf(recipe.files, recipe.manifest.shards);
		expect(rows).toHaveLength(table.rowCount);
		for (const column of table.columns) {
			rows.forEach((row, r) => {
				if (column.kind === 'numeric') expect(Object.is(row[column.name], column.values[r]) || (Number.isNaN(column.values[r]) && Number.isNaN(row[column.name] as number))).toBe(true);
				else expect(row[column.name]).toBe(column.codes[r] < 0 ? '' : column.categories[column.codes[r]]);
			});
		}
		expect(rows.filter((r) => r[SPLIT_COLUMN] === 'holdout')).toHaveLength(result.holdoutRows);
		// Without balancing every training row is trained on once per epoch.
		expect(rows.every((r) => r[COPIES_COLUMN] === (r[SPLIT_COLUMN] === 'train' ? 1 : 0))).toBe(true);
		const script = new TextDecoder().decode(recipe.files['train.py']);
		expect(script).toContain('DistributedDataParallel');
		expect(script).toContain('# Kiln training recipe for "Penguins"');
		expect(recipe.zip.length).toBeGreaterThan(1000);
	});

	it('writes the rows over-sampling drew and the class weights Kiln trains with', async () => {
		const { table, config } = penguins;
		const oversampled = { ...config, balance: 'oversample' } as TrainConfig;
		const recipe = exportTrainingRecipe(table, oversampled, { kilnVersion: '0.1.0' });
		const kiln = prepareTraining(table, withConfigDefaults(oversampled));
		const rows = await rowsOf(recipe.files, recipe.manifest.shards);
		const copies = rows.map((r) => r[COPIES_COLUMN] as number);
		expect(copies.reduce((a, b) => a + b, 0)).toBe(kiln.train.rows.length);
		expect(recipe.manifest.trainedRows).toBe(kiln.train.rows.length);
		expect(Math.max(...copies)).toBeGreaterThan(1);
		// Each class reaches the majority's count, as Kiln's over-sampling makes it.
		const perClass = new Map<string, number>();
		rows.forEach((r, i) => perClass.set(r.species as string, (perClass.get(r.species as string) ?? 0) + copies[i]));
		expect(new Set(perClass.values()).size).toBe(1);
		const weighted = exportTrainingRecipe(table, { ...config, balance: 'class-weights' }, { kilnVersion: '0.1.0' });
		const balance = prepareTraining(table, withConfigDefaults({ ...config, balance: 'class-weights' })).balance!;
		expect(weighted.manifest.training.classWeights).toEqual(balance.weights);
		expect(weighted.manifest.training.classWeights!.length).toBe(3);
	});

	it('refuses by name what train.py cannot reproduce', () => {
		const { table, config } = penguins;
		expect(() => exportTrainingRecipe(table, { ...config, balance: 'smote' }, { kilnVersion: '0' })).toThrow(/cannot reproduce SMOTE balancing/);
		expect(() => exportTrainingRecipe(table, { ...config, text: { column: 'island' } as TextTrainSettings }, { kilnVersion: '0' })).toThrow(/text run/);
		expect(() => exportTrainingRecipe(table, { ...config, vision: {} as VisionConfig }, { kilnVersion: '0' })).toThrow(/image CNN/);
		expect(() => exportTrainingRecipe(table, { ...config, classic: { family: 'knn', params: { k: 3 } } } as unknown as TrainConfig, { kilnVersion: '0' })).toThrow(/classic model \("knn"\)/);
		// Every activation Kiln offers has its torch module (the record's type enforces it; this guards a cast).
		expect(Object.keys(TORCH_ACTIVATIONS).sort()).toEqual([...MLP_ACTIVATIONS].sort());
	});

	it('generates Python that compiles', () => {
		const python = '/usr/bin/python3';
		if (!existsSync(python)) return; // scripts/test-scale.sh runs it under torchrun; this only checks the syntax.
		const { table, config } = penguins;
		const recipe = exportTrainingRecipe(table, { ...config, mlp: { activation: 'gelu', batchNorm: true, dropout: [0.2], optimizer: 'adamw', schedule: 'cosine', warmupEpochs: 1 } }, { kilnVersion: '0.1.0' });
		const source = new TextDecoder().decode(recipe.files['train.py']);
		expect(() => execFileSync(python, ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: source })).not.toThrow();
		expect(source).toContain('nn.GELU(approximate="none")');
	});
});

describe('importing the weights train.py writes', () => {
	it('imports format 1 (plain Dense layers) into a Kiln model that predicts the same', async () => {
		const { table, config, result } = penguins;
		const recipe = exportTrainingRecipe(table, config, { kilnVersion: '0.1.0' });
		// Kiln's own trained weights in the script's layout: per layer kernel [in × out], then bias.
		const specs = result.model.weightSpecs;
		expect(specs.map((s) => s.name.split('/')[1])).toEqual(['kernel', 'bias', 'kernel', 'bias']);
		const info = { format: 'kiln-torch-weights', formatVersion: 1, layers: [{ inputs: 9, units: 8 }, { inputs: 8, units: 3 }], metrics: { task: 'classification', accuracy: 0.9 }, epochs: 5, worldSize: 2 };
		expect(result.preprocessing.inputSize).toBe(9);
		const imported = await importTorchWeights(recipe.manifest, info, result.model.weightData.slice(0));
		expect(await predictTable(imported.model, imported.preprocessing, table)).toEqual(await predictTable(result.model, result.preprocessing, table));
		await expect(importTorchWeights(recipe.manifest, info, result.model.weightData.slice(4))).rejects.toThrow(/kiln-weights.bin has \d+ bytes; the model needs/);
		await expect(importTorchWeights(recipe.manifest, { ...info, layers: [{ inputs: 9, units: 16 }, { inputs: 16, units: 3 }] }, result.model.weightData)).rejects.toThrow(/units must be at most 8/);
	});

	it('imports batch-norm layers with their moving statistics and folds them as Kiln stores its runs', async () => {
		const { table, config } = penguins;
		const bn = { ...config, hiddenLayers: [6, 5], mlp: { activation: 'gelu' as const, batchNorm: true, dropout: [0.3] } };
		const recipe = exportTrainingRecipe(table, bn, { kilnVersion: '0.1.0' });
		const shape = { kind: 'mlp' as const, inputSize: 9, outputSize: 3, hiddenLayers: [6, 5], seed: 3, mlp: bn.mlp };
		const model = buildModel(shape);
		// Seeded values everywhere, moving variances positive, as a trained batch-norm has them.
		const rng = createRng(11);
		const blob: number[] = [];
		const layers: { inputs: number; units: number; batchNorm: boolean }[] = [];
		const sizes = [9, 6, 5, 3];
		const values: tf.Tensor[] = [];
		for (let i = 0; i < 3; i++) {
			const [inputs, units] = [sizes[i], sizes[i + 1]];
			const kernel = Array.from({ length: inputs * units }, () => rng() - 0.5);
			const bias = Array.from({ length: units }, () => rng() - 0.5);
			blob.push(...kernel, ...bias);
			values.push(tf.tensor2d(kernel, [inputs, units]), tf.tensor1d(bias));
			if (i < 2) {
				const stats = [0, 1, 2, 3].map((k) => Array.from({ length: units }, () => (k === 0 ? 0.5 + rng() : k === 3 ? 0.2 + rng() : rng() - 0.5)));
				blob.push(...stats.flat());
				values.push(...stats.map((s) => tf.tensor1d(s)));
			}
			layers.push({ inputs, units, batchNorm: i < 2 });
		}
		const trained = model.layers.filter((l) => l.getClassName() === 'Dense' || l.getClassName() === 'BatchNormalization');
		let at = 0;
		for (const layer of trained) {
			const n = layer.getClassName() === 'Dense' ? 2 : 4;
			layer.setWeights(values.slice(at, at + n));
			at += n;
		}
		const expected = foldForStorage(model, shape);
		const info = { format: 'kiln-torch-weights', formatVersion: 2, layers, metrics: { task: 'classification', accuracy: 1 }, epochs: 3, worldSize: 2, bestEpoch: 2, stoppedEarly: true };
		const imported = await importTorchWeights(recipe.manifest, info, Float32Array.from(blob).buffer);
		const stored = await deserializeModel(imported.model);
		// Only Dense layers are stored (batch-norm folded, dropout dropped), and they compute what the unfolded network does.
		expect(stored.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense', 'Dense']);
		const x = Float32Array.from({ length: 20 * 9 }, () => rng() * 2 - 1);
		const [ours, theirs, unfolded] = await Promise.all([forward(stored, x, 20, 9), forward(expected, x, 20, 9), forward(model, x, 20, 9)]);
		expect(Math.max(...ours.map((v, i) => Math.abs(v - theirs[i])))).toBeLessThan(1e-6);
		expect(Math.max(...ours.map((v, i) => Math.abs(v - unfolded[i])))).toBeLessThan(1e-4);
		const negative = Float32Array.from(blob);
		negative[9 * 6 + 6 + 3 * 6] = -1;
		await expect(importTorchWeights(recipe.manifest, info, negative.buffer)).rejects.toThrow(/negative moving variance in hidden layer 1/);
		await expect(importTorchWeights(recipe.manifest, { ...info, layers: layers.map((l) => ({ ...l, batchNorm: false })) }, Float32Array.from(blob).buffer)).rejects.toThrow(/batchNorm must be true on every hidden layer/);
		tf.dispose(values);
		stored.dispose();
		expected.dispose();
		model.dispose();
	});
});
