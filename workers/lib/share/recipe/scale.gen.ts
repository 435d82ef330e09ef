// The Kiln halves of scripts/test-scale.sh (not a unit test): for each case, export the recipe
// after Kiln's own seeded run, then import the weights torchrun wrote and score them with Kiln.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import type { TrainConfig } from '$workers/protocol';
import { predictTable } from '$workers/lib/predict';
import { trainModel } from '$workers/lib/train';
import { describeMlpOptions } from '$shared/mlp-options';
import { scaleTolerance, sliceRows, SCALE_CASES } from './scale.spec-support';
import { loadDataset, useCpu } from '../share.spec-support';
import { importTorchWeights } from './import-weights';
import { exportTrainingRecipe, recipeSplit, type RecipeManifest } from './recipe';

const root = process.env.KILN_SCALE_DIR ?? '';
const only = process.env.KILN_SCALE_CASE;
const cases = SCALE_CASES.filter((c) => !only || c.name === only);

interface KilnRun {
	metric: number;
	holdout: number;
	bestEpoch: number;
}

/** Holdout accuracy, or RMSE in the target's units, of predictions against the table's target. */
function score(config: TrainConfig, part: ReturnType<typeof sliceRows>, predicted: string[]): number {
	const column = part.columns.find((c) => c.name === config.target)!;
	if (column.kind === 'categorical') return predicted.filter((p, r) => p === column.categories[column.codes[r]]).length / part.rowCount;
	const se = predicted.reduce((s, p, r) => s + (Number(p) - column.values[r]) ** 2, 0);
	return Math.sqrt(se / part.rowCount);
}

it('export', async () => {
	expect(root).not.toBe('');
	await useCpu();
	for (const c of cases) {
		const dir = join(root, c.name);
		const table = loadDataset(c.file);
		const kiln = await trainModel(table, c.config);
		const recipe = exportTrainingRecipe(table, c.config, { kilnVersion: '0.1.0', projectName: `${c.name} (scale test)`, shardRows: c.shardRows });
		for (const [path, bytes] of Object.entries(recipe.files)) {
			mkdirSync(dirname(join(dir, path)), { recursive: true });
			writeFileSync(join(dir, path), bytes);
		}
		const metric = kiln.metrics.task === 'classification' ? kiln.metrics.accuracy : kiln.metrics.rmse;
		writeFileSync(join(dir, 'kiln-run.json'), JSON.stringify({ metric, holdout: kiln.holdoutRows, bestEpoch: kiln.bestEpoch } satisfies KilnRun));
		const options = describeMlpOptions(c.config.mlp).join(', ') || 'relu, Adam';
		console.log(`[${c.name}] Kiln (tfjs ${kiln.backend}, ${options}${c.config.balance ? `, ${c.config.balance}` : ''}, patience ${c.config.patience}): holdout ${kiln.metrics.task === 'classification' ? 'accuracy' : 'RMSE'} ${metric.toFixed(4)} on ${kiln.holdoutRows} rows, best epoch ${kiln.bestEpoch}; recipe in ${recipe.manifest.shards.length} shards`);
	}
});

it('import', async () => {
	await useCpu();
	const failures: string[] = [];
	for (const c of cases) {
		const dir = join(root, c.name);
		const table = loadDataset(c.file);
		const recipe = JSON.parse(readFileSync(join(dir, 'recipe.json'), 'utf8')) as RecipeManifest;
		const bin = readFileSync(join(dir, 'kiln-weights.bin'));
		const info = JSON.parse(readFileSync(join(dir, 'kiln-weights.json'), 'utf8')) as { bestEpoch: number };
		const imported = await importTorchWeights(recipe, info, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer);
		const { holdout } = recipeSplit(table, c.config);
		const part = sliceRows(table, holdout);
		const metric = score(c.config, part, (await predictTable(imported.model, imported.preprocessing, part)).predictions);
		const kiln = JSON.parse(readFileSync(join(dir, 'kiln-run.json'), 'utf8')) as KilnRun;
		const classification = c.config.task === 'classification';
		const reported = imported.reported[classification ? 'accuracy' : 'rmse'] as number;
		const name = classification ? 'accuracy' : 'RMSE';
		const tolerance = scaleTolerance(c.config.task, holdout.length, kiln.metric);
		console.log(`[${c.name}] PyTorch DDP (${imported.worldSize} processes, ${imported.epochs} epochs, best epoch ${info.bestEpoch}): script-reported holdout ${name} ${reported.toFixed(4)}; the imported weights score ${metric.toFixed(4)} in Kiln; Kiln's own run ${kiln.metric.toFixed(4)} (best epoch ${kiln.bestEpoch}; tolerance ±${tolerance.toFixed(4)})`);
		// Same weights and preprocessing on both sides (batch-norm folded on import): the script's own score is Kiln's.
		const same = classification ? Math.abs(metric - reported) <= 1 / holdout.length + 1e-9 : Math.abs(metric - reported) / reported < 1e-4;
		if (!same) failures.push(`${c.name}: the imported weights score ${metric} in Kiln, the script reported ${reported}`);
		// Different initial weights, dropout masks and batch order: within the tolerance of Kiln's run.
		if (Math.abs(metric - kiln.metric) > tolerance) failures.push(`${c.name}: PyTorch ${metric.toFixed(4)} against Kiln's ${kiln.metric.toFixed(4)}, beyond ±${tolerance.toFixed(4)}`);
	}
	expect(failures).toEqual([]);
});
