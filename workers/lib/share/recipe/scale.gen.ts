// The two Kiln halves of scripts/test-scale.sh (not a unit test): export the iris recipe after
// Kiln's own seeded run, then import the weights torchrun wrote and score them with Kiln.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import type { ClassificationMetrics, TrainConfig } from '$workers/protocol';
import { predictTable } from '$workers/lib/predict';
import { trainModel } from '$workers/lib/train';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { sliceRows } from './scale.spec-support';
import { loadDataset, useCpu } from '../share.spec-support';
import { importTorchWeights } from './import-weights';
import { exportTrainingRecipe, recipeSplit, type RecipeManifest } from './recipe';

const dir = process.env.KILN_SCALE_DIR ?? '';
const table = () => loadDataset('iris.csv');
const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] };

it('export', async () => {
	expect(dir).not.toBe('');
	await useCpu();
	const kiln = await trainModel(table(), config);
	const recipe = exportTrainingRecipe(table(), config, { kilnVersion: '0.1.0', projectName: 'Iris (scale test)', shardRows: 40 });
	for (const [path, bytes] of Object.entries(recipe.files)) {
		mkdirSync(dirname(join(dir, path)), { recursive: true });
		writeFileSync(join(dir, path), bytes);
	}
	writeFileSync(join(dir, 'kiln-run.json'), JSON.stringify({ accuracy: (kiln.metrics as ClassificationMetrics).accuracy, holdout: kiln.holdoutRows }));
	console.log(`Kiln (tfjs ${kiln.backend}, seed ${config.seed}, ${config.epochs} epochs): holdout accuracy ${(kiln.metrics as ClassificationMetrics).accuracy.toFixed(4)} on ${kiln.holdoutRows} rows; recipe in ${recipe.manifest.shards.length} shards`);
});

it('import', async () => {
	await useCpu();
	const recipe = JSON.parse(readFileSync(join(dir, 'recipe.json'), 'utf8')) as RecipeManifest;
	const bin = readFileSync(join(dir, 'kiln-weights.bin'));
	const imported = await importTorchWeights(recipe, JSON.parse(readFileSync(join(dir, 'kiln-weights.json'), 'utf8')), bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer);
	const { holdout } = recipeSplit(table(), config);
	const part = sliceRows(table(), holdout);
	const predicted = await predictTable(imported.model, imported.preprocessing, part);
	const species = part.columns.find((c) => c.name === 'species') as { categories: string[]; codes: Int32Array };
	const correct = predicted.predictions.filter((p, r) => p === species.categories[species.codes[r]]).length;
	const accuracy = correct / holdout.length;
	const kiln = JSON.parse(readFileSync(join(dir, 'kiln-run.json'), 'utf8')) as { accuracy: number };
	const reported = imported.reported.accuracy as number;
	console.log(`PyTorch DDP (${imported.worldSize} processes, ${imported.epochs} epochs): script-reported holdout accuracy ${reported.toFixed(4)}; the imported weights score ${accuracy.toFixed(4)} in Kiln; Kiln's own run ${kiln.accuracy.toFixed(4)}`);
	// Same weights, same preprocessing on both sides: the script's own score must match Kiln's scoring.
	expect(Math.abs(accuracy - reported)).toBeLessThanOrEqual(1 / holdout.length + 1e-9);
	// Different initial weights and batch order: within two holdout rows of Kiln's run.
	expect(Math.abs(accuracy - kiln.accuracy)).toBeLessThanOrEqual(2 / holdout.length + 1e-9);
});
