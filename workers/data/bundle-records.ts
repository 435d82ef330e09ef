import type { ChunkRecord, DatasetRecord, ModelRecord, ProjectRecord, ProjectRecords, RunIntendedUse, RunRecord } from '$lib/db';
import type { BundleData, BundleDataset, BundleRun, ReadBundle } from '$workers/lib/share';
import type { BackendName } from '$workers/protocol';
import { unpackChunk } from '$lib/db/column-packing';

/**
 * Stored records ↔ project bundles. Export maps Kiln's records onto the bundle format; import
 * gives every record a fresh id (so importing a bundle twice makes two projects), rewires the
 * references, and keeps only fields this Kiln knows, each checked, because a bundle is a file
 * from anywhere.
 */

export interface ExportPlan {
	data: BundleData;
	rows: number;
	/** Runs whose dataset was deleted: a bundle must be whole, so they (and their models) stay out. */
	leftOut: number;
}

export function toBundleData(records: ProjectRecords, cards: Record<string, string> = {}): ExportPlan {
	const datasetIds = new Set(records.datasets.map((d) => d.id));
	const runs = records.runs.filter((r) => datasetIds.has(r.datasetId));
	const runIds = new Set(runs.map((r) => r.id));
	// Bundle format 1 carries the built-in encoding only: a model trained through a recorded pipeline stays out (its run keeps its figures).
	const models = records.models.filter((m): m is ModelRecord & { preprocessing: NonNullable<ModelRecord['preprocessing']> } => runIds.has(m.runId) && !!m.preprocessing);
	const modelIds = new Set(models.map((m) => m.id));
	const withRows = records.chunks.length > 0;
	const datasets = records.datasets.map((d): BundleDataset => {
		if (!withRows) return { ...d };
		const own = records.chunks.filter((c) => c.datasetId === d.id).sort((a, b) => a.index - b.index);
		// A bundle keeps the wide layout (Float64 values, Int32 codes): packed columns are widened.
		const kinds = d.columns.map((c) => c.kind);
		return { ...d, chunks: own.map((c) => ({ index: c.index, rowCount: c.rowCount, columns: unpackChunk(c, kinds).columns })) };
	});
	const { modelRunId, ...project } = records.project;
	return {
		data: {
			project: { ...project, ...(modelRunId && runIds.has(modelRunId) ? { modelRunId } : {}) },
			datasets,
			runs: runs.map((r): BundleRun => {
				// Bundle format 1 has no "diverged": such a run is a failed one (its error says why).
				const run: BundleRun = { ...r, status: r.status === 'diverged' ? 'failed' : r.status };
				if (r.modelId && !modelIds.has(r.modelId)) delete run.modelId;
				if (cards[r.id]) run.modelCard = cards[r.id];
				return run;
			}),
			models: models.map((m) => ({ ...m }))
		},
		rows: withRows ? datasets.reduce((n, d) => n + d.rowCount, 0) : 0,
		leftOut: records.runs.length - runs.length
	};
}

// ---- import ------------------------------------------------------------------------------

const BACKENDS: readonly string[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);
const text = (v: unknown, max = 10_000) => (typeof v === 'string' && v.length <= max ? v : undefined);
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function intendedUse(v: unknown): RunIntendedUse | undefined {
	if (!isObject(v)) return undefined;
	return defined({ primaryUses: text(v.primaryUses), users: text(v.users), outOfScope: text(v.outOfScope) });
}

function split(v: unknown): RunRecord['split'] {
	if (!isObject(v)) return undefined;
	const [train, validation, holdout] = [count(v.train), count(v.validation), count(v.holdout)];
	return train === undefined || validation === undefined || holdout === undefined ? undefined : { train, validation, holdout };
}

function source(v: unknown): RunRecord['source'] {
	if (isObject(v) && v.kind === 'torch-recipe') return recipeSource(v);
	if (!isObject(v) || v.kind !== 'share-link') return undefined;
	const importedAt = count(v.importedAt);
	return importedAt === undefined ? undefined : { kind: 'share-link', title: text(v.title, 500) ?? '', importedAt };
}

/** A run trained by a PyTorch recipe keeps that mark; what train.py reported keeps its finite numbers only. */
function recipeSource(v: Record<string, unknown>): RunRecord['source'] {
	const [importedAt, epochs, worldSize] = [count(v.importedAt), count(v.epochs), count(v.worldSize)];
	if (importedAt === undefined || epochs === undefined || worldSize === undefined) return undefined;
	const reported = Object.fromEntries(Object.entries(isObject(v.reported) ? v.reported : {}).filter(([, x]) => typeof x === 'number' && Number.isFinite(x)));
	return { kind: 'torch-recipe', title: text(v.title, 500) ?? '', importedAt, fromRunId: text(v.fromRunId, 200) ?? '', epochs, worldSize, reported };
}

export interface ImportPlan {
	records: ProjectRecords;
	rows: number;
	cancelled: number;
}

/** A read bundle → new records with fresh ids; runs cut off mid-training come in as cancelled. */
export function fromBundle(bundle: ReadBundle, newId: (prefix: string) => string, now: number): ImportPlan {
	const projectId = newId('project');
	const datasetIds = new Map(bundle.datasets.map((d) => [d.id, newId('dataset')]));
	const runIds = new Map(bundle.runs.map((r) => [r.id, newId('run')]));
	const modelIds = new Map(bundle.models.map((m) => [m.id, newId('model')]));
	const ref = (map: Map<string, string>, id: unknown) => (typeof id === 'string' ? map.get(id) : undefined);

	const datasets: DatasetRecord[] = bundle.datasets.map((d) => ({
		id: datasetIds.get(d.id)!,
		projectId,
		name: d.name,
		fileName: d.fileName,
		source: d.source,
		rowCount: d.rowCount,
		columns: d.columns,
		profile: d.profile,
		chunkRows: d.chunkRows,
		chunkCount: d.chunkCount,
		bytes: d.bytes,
		createdAt: d.createdAt,
		...(d.images ? { images: d.images } : {})
	}));
	const chunks: ChunkRecord[] = bundle.datasets.flatMap((d) => (d.chunks ?? []).map((c) => ({ datasetId: datasetIds.get(d.id)!, index: c.index, rowCount: c.rowCount, columns: c.columns })));

	let cancelled = 0;
	const runs: RunRecord[] = bundle.runs.map((r) => {
		const extra = r as BundleRun & Record<string, unknown>;
		const cutOff = r.status === 'running' || r.status === 'interrupted';
		if (cutOff) cancelled++;
		return defined<RunRecord>({
			id: runIds.get(r.id)!,
			projectId,
			datasetId: datasetIds.get(r.datasetId)!,
			config: r.config,
			status: cutOff ? 'cancelled' : r.status,
			createdAt: r.createdAt,
			finishedAt: cutOff ? (r.finishedAt ?? now) : r.finishedAt,
			history: r.history,
			metrics: r.metrics,
			error: cutOff ? 'This run was still training when its project was exported; it cannot resume here.' : r.error,
			backend: r.backend && BACKENDS.includes(r.backend) ? (r.backend as BackendName) : undefined,
			durationMs: r.durationMs,
			samplesPerSecond: r.samplesPerSecond,
			modelId: ref(modelIds, r.modelId),
			split: split(extra.split),
			bestEpoch: count(extra.bestEpoch),
			stoppedEarly: typeof extra.stoppedEarly === 'boolean' ? extra.stoppedEarly : undefined,
			intendedUse: intendedUse(extra.intendedUse),
			limitations: text(extra.limitations),
			source: source(extra.source)
		});
	});
	const models: ModelRecord[] = bundle.models.map((m) => ({
		id: modelIds.get(m.id)!,
		runId: runIds.get(m.runId)!,
		projectId,
		createdAt: m.createdAt,
		artifacts: m.artifacts,
		preprocessing: m.preprocessing
	}));

	const p = bundle.project as typeof bundle.project & Record<string, unknown>;
	const starred = ref(runIds, p.modelRunId);
	const modelRun = runs.find((r) => r.id === starred && r.status === 'done' && r.modelId);
	const project: ProjectRecord = defined({
		id: projectId,
		name: p.name.trim() || 'Imported project',
		createdAt: p.createdAt,
		updatedAt: now,
		datasetId: ref(datasetIds, p.datasetId),
		target: p.target,
		task: p.task,
		lastConfig: p.lastConfig,
		modelRunId: modelRun?.id
	});
	const rows = chunks.reduce((n, c) => n + c.rowCount, 0);
	return { records: { project, datasets, chunks, runs, models }, rows, cancelled };
}
