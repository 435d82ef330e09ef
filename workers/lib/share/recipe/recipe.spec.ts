import { parquetReadObjects } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictTable } from '$workers/lib/predict';
import { trainBriefly, useCpu, type Trained } from '../share.spec-support';
import { importTorchWeights } from './import-weights';
import { SPLIT_COLUMN, exportTrainingRecipe } from './recipe';

beforeAll(useCpu);

let penguins: Trained;
beforeAll(async () => {
	penguins = await trainBriefly('penguins.csv', 'species', { hiddenLayers: [8], epochs: 5 });
});

const buffer = (bytes: Uint8Array) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

describe('training recipe export', () => {
	it('writes Parquet shards with the raw columns and the exact split and preprocessing of trainModel', async () => {
		const { table, config, result } = penguins;
		const recipe = exportTrainingRecipe(table, config, { kilnVersion: '0.1.0', projectName: 'Penguins', shardRows: 100 });
		expect(recipe.manifest.shards).toEqual(['data/part-00000.parquet', 'data/part-00001.parquet', 'data/part-00002.parquet', 'data/part-00003.parquet']);
		expect(recipe.manifest.preprocessing).toEqual(result.preprocessing);
		expect(recipe.manifest.rows).toEqual({ train: result.trainRows, validation: result.validationRows, holdout: result.holdoutRows, unlabelled: 0 });
		const rows: Record<string, unknown>[] = [];
		for (const shard of recipe.manifest.shards) rows.push(...(await parquetReadObjects({ file: buffer(recipe.files[shard]) })));
		expect(rows).toHaveLength(table.rowCount);
		for (const column of table.columns) {
			rows.forEach((row, r) => {
				if (column.kind === 'numeric') expect(Object.is(row[column.name], column.values[r]) || (Number.isNaN(column.values[r]) && Number.isNaN(row[column.name] as number))).toBe(true);
				else expect(row[column.name]).toBe(column.codes[r] < 0 ? '' : column.categories[column.codes[r]]);
			});
		}
		expect(rows.filter((r) => r[SPLIT_COLUMN] === 'holdout')).toHaveLength(result.holdoutRows);
		const script = new TextDecoder().decode(recipe.files['train.py']);
		expect(script).toContain('DistributedDataParallel');
		expect(script).toContain('# Kiln training recipe for "Penguins"');
		expect(recipe.zip.length).toBeGreaterThan(1000);
	});

	it('imports weights in the script\'s layout back into a Kiln model that predicts the same', async () => {
		const { table, config, result } = penguins;
		const recipe = exportTrainingRecipe(table, config, { kilnVersion: '0.1.0' });
		// Write Kiln's own trained weights the way train.py writes them: per layer kernel [in × out], then bias.
		const specs = result.model.weightSpecs;
		expect(specs.map((s) => s.name.split('/')[1])).toEqual(['kernel', 'bias', 'kernel', 'bias']);
		const info = { format: 'kiln-torch-weights', formatVersion: 1, layers: [{ inputs: 9, units: 8 }, { inputs: 8, units: 3 }], metrics: { task: 'classification', accuracy: 0.9 }, epochs: 5, worldSize: 2 };
		expect(result.preprocessing.inputSize).toBe(9);
		const imported = await importTorchWeights(recipe.manifest, info, result.model.weightData.slice(0));
		expect(await predictTable(imported.model, imported.preprocessing, table)).toEqual(await predictTable(result.model, result.preprocessing, table));
		await expect(importTorchWeights(recipe.manifest, info, result.model.weightData.slice(4))).rejects.toThrow(/kiln-weights.bin has \d+ bytes; the model needs/);
		await expect(importTorchWeights(recipe.manifest, { ...info, layers: [{ inputs: 9, units: 16 }, { inputs: 16, units: 3 }] }, result.model.weightData)).rejects.toThrow(/units must be at most 8/);
	});
});
