import { describeMlpOptions, resolveMlpOptions, type ResolvedMlpOptions } from '$shared/mlp-options';
import { zipSync } from 'fflate';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Preprocessing, Table, TrainConfig } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { fitPreprocessing } from '$workers/lib/preprocess';
import { prepareTraining, splitFor } from '$workers/lib/train-data';
import { withConfigDefaults } from '$shared/train-config';
import { validateConfig } from '$workers/lib/train';
import { cellText, findColumn } from '$shared/table';
import { torchScript } from './torch-script';

export const RECIPE_FORMAT_VERSION = 2;
/** Column holding each row's part: "train", "validation", "holdout", or "unlabelled" (no target, never used). */
export const SPLIT_COLUMN = '__kiln_split';
/** Column holding how many times a training row is trained on per epoch: 1, or what over-/under-sampling drew (0 elsewhere). */
export const COPIES_COLUMN = '__kiln_copies';

/** What train.py needs beyond the config: the run's MLP options resolved, and its class balancing. */
export interface RecipeTraining {
	mlp: ResolvedMlpOptions;
	balance: 'none' | 'class-weights' | 'oversample' | 'undersample';
	/** Per-class loss weights (class-weights balancing), as Kiln computed them on the training rows; null otherwise. */
	classWeights: number[] | null;
	copiesColumn: string;
}

export interface RecipeManifest {
	format: 'kiln-training-recipe';
	formatVersion: number;
	kilnVersion: string;
	projectName: string;
	config: TrainConfig;
	training: RecipeTraining;
	/** The preprocessing Kiln fits for this config, applied as is by the script (never refitted). */
	preprocessing: Preprocessing;
	shards: string[];
	columns: { name: string; kind: 'numeric' | 'categorical' }[];
	splitColumn: string;
	rows: { train: number; validation: number; holdout: number; unlabelled: number };
	/** Training rows per epoch after class balancing (over-sampling repeats rows, under-sampling drops some). */
	trainedRows: number;
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
	refuseUnmappable(config);
	validateConfig(table, config);
	// Exactly trainModel's rows: split, encoding fitted on the training rows, then the balancing.
	const resolved = withConfigDefaults(config);
	const data = prepareTraining(table, resolved);
	const prep = data.prep;
	const split: string[] = new Array(table.rowCount).fill('unlabelled');
	splitFor(table, resolved).split.train.forEach((r) => (split[r] = 'train'));
	// Kiln's validation rows steer its early stopping; the script does the same with them.
	data.validation.rows.forEach((r) => (split[r] = 'validation'));
	data.holdout.rows.forEach((r) => (split[r] = 'holdout'));
	// How often each row is trained on per epoch: once, or as over-/under-sampling drew it (0: left out).
	const copies = new Float64Array(table.rowCount);
	data.train.rows.forEach((r) => copies[r]++);
	const balance = config.balance ?? 'none';
	const training: RecipeTraining = {
		mlp: resolveMlpOptions(config.mlp),
		balance: balance === 'smote' ? 'none' : balance, // refused above
		classWeights: balance === 'class-weights' && data.balance?.weights ? data.balance.weights : null,
		copiesColumn: COPIES_COLUMN
	};
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
		columnData.push({ name: COPIES_COLUMN, data: Float64Array.from(rows, (r) => copies[r]), type: 'DOUBLE' as const, nullable: false, encoding: 'PLAIN' as const });
		const path = `data/part-${String(i).padStart(5, '0')}.parquet`;
		files[path] = new Uint8Array(parquetWriteBuffer({ columnData, codec: 'UNCOMPRESSED', statistics: false, dictionarySize: 0, createdBy: `kiln ${options.kilnVersion}` }));
		shards.push(path);
	}
	const count = (part: string) => split.filter((p) => p === part).length;
	const manifest: RecipeManifest = {
		format: 'kiln-training-recipe',
		formatVersion: RECIPE_FORMAT_VERSION,
		kilnVersion: options.kilnVersion,
		projectName: options.projectName ?? 'Kiln project',
		config,
		training,
		preprocessing: prep,
		shards,
		columns: used.map((c) => ({ name: c.name, kind: c.kind })),
		splitColumn: SPLIT_COLUMN,
		rows: { train: count('train'), validation: count('validation'), holdout: count('holdout'), unlabelled: count('unlabelled') },
		trainedRows: data.train.rows.length
	};
	const encoder = new TextEncoder();
	files['recipe.json'] = encoder.encode(JSON.stringify(manifest, null, 1));
	files['train.py'] = encoder.encode(torchScript(manifest));
	files['README.md'] = encoder.encode(readme(manifest));
	return { manifest, files, zip: zipSync(files, { level: 6 }) };
}

/**
 * Everything a Kiln dense run can use maps onto train.py except these, refused by name: the other
 * families, text and image runs (their encoders are not in the recipe) and SMOTE, whose synthetic
 * rows live in Kiln's encoded space with no raw row to write to a shard.
 */
function refuseUnmappable(config: TrainConfig): void {
	if (config.classic) throw new KilnError('ExportError', `The PyTorch recipe covers dense models (MLP and linear); this run is a classic model ("${config.classic.family}"). Export it as ONNX instead.`);
	if (config.text) throw new KilnError('ExportError', 'The PyTorch recipe covers tabular MLP and linear runs; a text run\'s tokeniser and encoder are not part of it. Export the model as ONNX instead.');
	if (config.vision) throw new KilnError('ExportError', 'The PyTorch recipe covers tabular MLP and linear runs; an image CNN is not part of it. Export the model as ONNX instead.');
	if (config.model !== 'mlp' && config.model !== 'linear') throw new KilnError('ExportError', `The PyTorch recipe covers dense models (MLP and linear); this run uses "${String(config.model)}".`);
	if (config.balance === 'smote') throw new KilnError('ExportError', 'The PyTorch recipe cannot reproduce SMOTE balancing: its synthetic rows are made in Kiln\'s encoded space and have no raw row to write to the data shards. Train with class weights or over-sampling to export a recipe.');
}

function readme(m: RecipeManifest): string {
	const options = describeMlpOptions(m.config.mlp);
	const model = m.config.model === 'mlp' ? `MLP (hidden layers ${m.config.hiddenLayers.join(', ')}${options.length > 0 ? `; ${options.join(', ')}` : ''})` : 'linear model';
	return `# ${m.projectName}: training recipe

Made by Kiln ${m.kilnVersion}. Trains the same ${model} with the same preprocessing, data split, optimiser, rate schedule${m.training.balance !== 'none' ? `, class balancing (${m.training.balance})` : ''} and early stopping as Kiln, on PyTorch DistributedDataParallel.

- \`data/\`: ${m.shards.length} Parquet shard(s); column \`${m.splitColumn}\` marks ${m.rows.train} training, ${m.rows.validation} validation (early stopping) and ${m.rows.holdout} holdout rows; \`${m.training.copiesColumn}\` says how many times each training row is trained on per epoch.
- \`recipe.json\`: configuration and the preprocessing Kiln fitted on the training rows.
- \`train.py\`: the training script. Needs PyTorch (1.12 or later) and numpy; reads Parquet with pyarrow when installed, else with its own reader for these files.

Run on one machine with two CPU processes:

    torchrun --nproc_per_node=2 train.py --backend gloo

On a GPU cluster: \`torchrun --nnodes=N --nproc_per_node=GPUS --rdzv-backend=c10d --rdzv-endpoint=HOST:PORT train.py --backend nccl\`.
Each process reads every shard whose number modulo the world size is its rank (or, with fewer shards than processes, every shard and every world-size-th row) and takes a per-process batch of ⌈${m.config.batchSize} / world size⌉, so the global batch matches Kiln's. Batch-norm statistics are those of the global batch.

It writes \`kiln-weights.json\` and \`kiln-weights.bin\`; import them in Kiln to evaluate, compress and share the model.
`;
}
