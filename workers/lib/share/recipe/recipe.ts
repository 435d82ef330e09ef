import { describeMlpOptions, isPlainMlp } from '$shared/mlp-options';
import { zipSync } from 'fflate';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Preprocessing, Table, TrainConfig } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { fitPreprocessing } from '$workers/lib/preprocess';
import { splitFor } from '$workers/lib/train-data';
import { withConfigDefaults } from '$shared/train-config';
import { validateConfig } from '$workers/lib/train';
import { cellText, findColumn } from '$shared/table';
import { torchScript } from './torch-script';

export const RECIPE_FORMAT_VERSION = 1;
/** Column holding each row's part: "train", "validation", "holdout", or "unlabelled" (no target, never used). */
export const SPLIT_COLUMN = '__kiln_split';

export interface RecipeManifest {
	format: 'kiln-training-recipe';
	formatVersion: number;
	kilnVersion: string;
	projectName: string;
	config: TrainConfig;
	/** The preprocessing Kiln fits for this config, applied as is by the script (never refitted). */
	preprocessing: Preprocessing;
	shards: string[];
	columns: { name: string; kind: 'numeric' | 'categorical' }[];
	splitColumn: string;
	rows: { train: number; validation: number; holdout: number; unlabelled: number };
}

export interface TrainingRecipe {
	manifest: RecipeManifest;
	/** Path inside the recipe folder → bytes: recipe.json, train.py, README.md, data/part-*.parquet. */
	files: Record<string, Uint8Array>;
	/** The same files as one zip, for download. */
	zip: Uint8Array;
}

/**
 * Split and preprocessing exactly as trainModel makes them for this table and config (same seed,
 * same stratification, statistics fitted on the training rows), so a run of the script is
 * comparable with Kiln's own.
 */
export function recipeSplit(table: Table, config: TrainConfig): { train: Int32Array; validation: Int32Array; holdout: Int32Array; prep: Preprocessing } {
	const { split } = splitFor(table, withConfigDefaults(config));
	return { ...split, prep: fitPreprocessing(table, config.features, config.target, config.task, split.train) };
}

/**
 * A project as a training recipe for PyTorch DistributedDataParallel: the feature and target
 * columns as Parquet shards (plain encoding, uncompressed, no nulls: NaN marks a missing number and
 * "" a missing category), the fitted preprocessing and config as JSON, and a generated train.py.
 */
export function exportTrainingRecipe(table: Table, config: TrainConfig, options: { kilnVersion: string; projectName?: string; shardRows?: number }): TrainingRecipe {
	validateConfig(table, config);
	if (config.model !== 'mlp' && config.model !== 'linear') throw new KilnError('ExportError', `The PyTorch recipe covers dense models (MLP and linear); this run uses "${config.model}".`);
	// train.py writes out relu layers and Adam at a constant rate; other MLP options would train a different model.
	if (!isPlainMlp(config.mlp)) throw new KilnError('ExportError', `The PyTorch recipe reproduces relu layers trained by Adam at a constant rate; this run uses ${describeMlpOptions(config.mlp).join(', ')}. Export the model as ONNX instead, or train a run without these options.`);
	const { train, validation, holdout, prep } = recipeSplit(table, config);
	const split: string[] = new Array(table.rowCount).fill('unlabelled');
	train.forEach((r) => (split[r] = 'train'));
	// Kiln's validation rows steer its early stopping; the script leaves them out of training too.
	validation.forEach((r) => (split[r] = 'validation'));
	holdout.forEach((r) => (split[r] = 'holdout'));
	const used = [...config.features, config.target].map((name) => findColumn(table, name));
	const shardRows = Math.max(1, options.shardRows ?? 100_000);
	const files: Record<string, Uint8Array> = {};
	const shards: string[] = [];
	for (let start = 0, i = 0; start < table.rowCount; start += shardRows, i++) {
		const end = Math.min(start + shardRows, table.rowCount);
		const rows = Array.from({ length: end - start }, (_, k) => start + k);
		const columnData = used.map((c) =>
			c.kind === 'numeric'
				? { name: c.name, data: Float64Array.from(rows, (r) => c.values[r]), type: 'DOUBLE' as const, nullable: false, encoding: 'PLAIN' as const }
				: { name: c.name, data: rows.map((r) => cellText(c, r)), type: 'STRING' as const, nullable: false, encoding: 'PLAIN' as const }
		);
		columnData.push({ name: SPLIT_COLUMN, data: rows.map((r) => split[r]), type: 'STRING' as const, nullable: false, encoding: 'PLAIN' as const });
		const path = `data/part-${String(i).padStart(5, '0')}.parquet`;
		files[path] = new Uint8Array(parquetWriteBuffer({ columnData, codec: 'UNCOMPRESSED', statistics: false, dictionarySize: 0, createdBy: `kiln ${options.kilnVersion}` }));
		shards.push(path);
	}
	const manifest: RecipeManifest = {
		format: 'kiln-training-recipe',
		formatVersion: RECIPE_FORMAT_VERSION,
		kilnVersion: options.kilnVersion,
		projectName: options.projectName ?? 'Kiln project',
		config,
		preprocessing: prep,
		shards,
		columns: used.map((c) => ({ name: c.name, kind: c.kind })),
		splitColumn: SPLIT_COLUMN,
		rows: { train: train.length, validation: validation.length, holdout: holdout.length, unlabelled: table.rowCount - train.length - validation.length - holdout.length }
	};
	const encoder = new TextEncoder();
	files['recipe.json'] = encoder.encode(JSON.stringify(manifest, null, 1));
	files['train.py'] = encoder.encode(torchScript(manifest));
	files['README.md'] = encoder.encode(readme(manifest));
	return { manifest, files, zip: zipSync(files, { level: 6 }) };
}

function readme(m: RecipeManifest): string {
	return `# ${m.projectName}: training recipe

Made by Kiln ${m.kilnVersion}. Trains the same ${m.config.model === 'mlp' ? `MLP (hidden layers ${m.config.hiddenLayers.join(', ')})` : 'linear model'} with the same preprocessing and data split as Kiln, on PyTorch DistributedDataParallel.

- \`data/\`: ${m.shards.length} Parquet shard(s); column \`${m.splitColumn}\` marks ${m.rows.train} training, ${m.rows.validation} validation (Kiln's early stopping; not trained on here) and ${m.rows.holdout} holdout rows.
- \`recipe.json\`: configuration and the preprocessing Kiln fitted on the training rows.
- \`train.py\`: the training script. Needs PyTorch and numpy; reads Parquet with pyarrow when installed, else with its own reader for these files.

Run on one machine with two CPU processes:

    torchrun --nproc_per_node=2 train.py --backend gloo

On a GPU cluster: \`torchrun --nnodes=N --nproc_per_node=GPUS --rdzv-backend=c10d --rdzv-endpoint=HOST:PORT train.py --backend nccl\`.
Each process reads every shard whose number modulo the world size is its rank (or, with fewer shards than processes, every shard and every world-size-th row) and takes a per-process batch of ⌈${m.config.batchSize} / world size⌉, so the global batch matches Kiln's.

It writes \`kiln-weights.json\` and \`kiln-weights.bin\`; import them in Kiln (Runs → Import trained weights) to evaluate, compress and share the model.
`;
}
