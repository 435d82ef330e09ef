// Node-only helpers for the share specs: briefly trained, seeded models on the demo sets.
import type { Preprocessing, Table, TrainConfig, TrainResult } from '$workers/protocol';
import { trainModel } from '$workers/lib/train';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { cellText, inferTask } from '$shared/table';
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
