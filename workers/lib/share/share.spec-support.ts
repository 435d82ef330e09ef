// Node-only helpers for the share specs: briefly trained, seeded models on the demo sets.
import type { Preprocessing, Table, TrainConfig, TrainResult } from '$workers/protocol';
import { trainModel } from '$workers/lib/train';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { cellText, inferTask } from '$shared/table';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { loadDataset, useCpu } from '../../../tests/unit-support';

export { useCpu, loadDataset };

export interface Trained {
	table: Table;
	result: TrainResult;
	rows: Record<string, string>[];
	prep: Preprocessing;
	config: TrainConfig;
}

/** Raw rows as a person or a CSV would give them: every cell as text, missing cells empty. */
export function rawRows(table: Table, columns = table.columns.map((c) => c.name)): Record<string, string>[] {
	const picked = table.columns.filter((c) => columns.includes(c.name));
	return Array.from({ length: table.rowCount }, (_, r) => Object.fromEntries(picked.map((c) => [c.name, cellText(c, r)])));
}

export async function trainBriefly(file: string, target: string, overrides: Partial<TrainConfig> = {}): Promise<Trained> {
	const table = loadDataset(file);
	const column = table.columns.find((c) => c.name === target)!;
	const config: TrainConfig = {
		...DEFAULT_CONFIG,
		target,
		task: inferTask(column),
		features: table.columns.map((c) => c.name).filter((n) => n !== target),
		epochs: 8,
		seed: 7,
		...overrides
	};
	const result = await trainModel(table, config);
	return { table, result, config, prep: result.preprocessing, rows: rawRows(table, config.features) };
}

/** The penguin columns a pipeline run reads. */
export const pipelineFeatures = ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex'];
/** Every step and encoding the link runtime replays, on penguins (which has missing cells). */
export const penguinPipeline: Pipeline = {
	format: 'kiln-pipeline',
	version: 1,
	steps: [
		{ kind: 'impute', columns: ['bill_length_mm'], strategy: 'median', value: null, indicator: true },
		{ kind: 'impute', columns: ['sex'], strategy: 'mode', value: null, indicator: false },
		{ kind: 'clip', columns: ['bill_depth_mm'], bounds: { type: 'quantile', lower: 0.05, upper: 0.95 } },
		{ kind: 'log', columns: ['body_mass_g'], guard: 'shift' },
		{ kind: 'bin', column: 'flipper_length_mm', method: 'quantile', bins: 4, output: 'flipper_bin' },
		{ kind: 'rename', from: 'island', to: 'where' },
		{ kind: 'filter', expression: 'body_mass_g > 0' }
	],
	features: [
		{ kind: 'one-hot', column: 'where', maxCategories: 2, other: true, missing: 'mode' },
		{ kind: 'scale', column: 'bill_length_mm', method: 'standard' },
		{ kind: 'scale', column: 'bill_length_mm_missing', method: 'none' },
		{ kind: 'scale', column: 'bill_depth_mm', method: 'robust' },
		{ kind: 'scale', column: 'body_mass_g', method: 'min-max' },
		{ kind: 'ordinal', column: 'flipper_bin', order: null },
		{ kind: 'hashing', column: 'sex', buckets: 4 },
		{ kind: 'scale', column: 'flipper_length_mm', method: 'standard' }
	]
};
