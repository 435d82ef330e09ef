import type { Table, TrainConfig } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { createRng } from '$workers/lib/random';
import { trainForScore } from './train';

const ROWS = 120;
const FEATURES = 6;

/** A small seeded table: six numeric features and a three-class target that depends on them. */
function syntheticTable(): Table {
	const rng = createRng(7);
	const columns = Array.from({ length: FEATURES }, (_, j) => ({ name: `x${j}`, kind: 'numeric' as const, values: Float64Array.from({ length: ROWS }, () => rng() * 2 - 1) }));
	const codes = Int32Array.from({ length: ROWS }, (_, r) => (columns[0].values[r] + columns[1].values[r] > 0 ? (columns[2].values[r] > 0 ? 2 : 1) : 0));
	return { rowCount: ROWS, columns: [...columns, { name: 'y', kind: 'categorical', categories: ['a', 'b', 'c'], codes }] };
}

/**
 * Train three tiny networks (relu, tanh and elu hidden layers, with dropout) for two epochs through
 * the path search trials take (encoding, model build, the fused step, validation figures), on a
 * synthetic table. A pool worker runs this while the Tune page's form is filled in: V8 then
 * compiles that path before a search's first trials rather than during them, once per worker
 * (the tune bench's trace showed its optimising compiler busy through the first seconds of every
 * search, on the renderer's background threads, for each worker). About 0.2 s on the cpu
 * backend in Node (its spec); in the tune bench the whole warm-up, worker start included, ended
 * 1.4–2.1 s after the page opened on a loaded machine.
 */
export async function warmTrialPath(): Promise<void> {
	const table = syntheticTable();
	for (const activation of ['relu', 'tanh', 'elu'] as const) {
		const config: TrainConfig = {
			...DEFAULT_CONFIG,
			target: 'y',
			task: 'classification',
			features: columnsOf(table),
			hiddenLayers: [12, 12],
			epochs: 2,
			batchSize: 16,
			patience: 0,
			mlp: { activation, dropout: [0.1] }
		};
		await trainForScore(table, config);
	}
}

const columnsOf = (table: Table) => table.columns.filter((c) => c.name !== 'y').map((c) => c.name);
