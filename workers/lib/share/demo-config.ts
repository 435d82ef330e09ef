import type { Preprocessing, Table } from '$workers/protocol';
import { cellText, findColumn } from '$shared/table';
import { createRng } from '$workers/lib/random';
import { DEMO_LIMITS } from './share-schema';
import type { DemoConfig } from './types';

/**
 * A starting demo config: a few seeded example rows (for classification one per class while
 * classes last, so every outcome can be tried) with only the model's feature cells.
 */
export function defaultDemoConfig(table: Table, prep: Preprocessing, options: { title: string; description?: string; examples?: number; seed?: number }): DemoConfig {
	const want = Math.min(options.examples ?? 3, DEMO_LIMITS.examples, table.rowCount);
	const rng = createRng(options.seed ?? 1);
	const order = Array.from({ length: table.rowCount }, (_, i) => i);
	for (let i = order.length - 1; i > 0; i--) {
		const j = Math.floor(rng() * (i + 1));
		[order[i], order[j]] = [order[j], order[i]];
	}
	const target = findColumn(table, prep.target.name);
	const picked: number[] = [];
	if (prep.target.task === 'classification') {
		for (const label of prep.target.classes) {
			const row = order.find((r) => cellText(target, r) === label);
			if (row !== undefined && picked.length < want) picked.push(row);
		}
	}
	for (const r of order) if (picked.length < want && !picked.includes(r)) picked.push(r);
	const columns = prep.features.map((f) => findColumn(table, f.name));
	const cell = (text: string) => text.slice(0, DEMO_LIMITS.cellChars);
	return {
		title: options.title.slice(0, DEMO_LIMITS.titleChars),
		description: (options.description ?? '').slice(0, DEMO_LIMITS.descriptionChars),
		examples: picked.map((r) => Object.fromEntries(columns.map((c) => [c.name, cell(cellText(c, r))])))
	};
}
