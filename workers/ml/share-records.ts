import type { ProjectRecords, RunRecord } from '$lib/db';
import { CHUNK_ROWS, describeColumns, tableBytes, tableToChunks } from '$lib/db/columnar';
import { parseNumber } from '$shared/number';
import { profileTable } from '$shared/table';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { isMissing } from '$workers/lib/csv';
import type { SharePayload } from '$workers/lib/share';
import type { Column, ModelArtifacts, Table, TrainConfig } from '$workers/protocol';

/**
 * The training settings a share link implies. The link carries the architecture (dense widths),
 * target, task and features; everything else it does not know (epochs, learning rate, seed…)
 * takes Kiln's defaults, and the run is marked as coming from a share link so nobody reads
 * them as how the model was trained.
 */
export function configFromShare(payload: SharePayload): TrainConfig {
	const prep = payload.preprocessing;
	const dense = payload.model.kind === 'trees' ? [] : payload.model.layers.filter((l) => l.type === 'dense');
	const hidden = dense.slice(0, -1).map((l) => l.units);
	return {
		...DEFAULT_CONFIG,
		target: prep.target.name,
		task: prep.target.task,
		features: prep.features.map((f) => f.name),
		model: hidden.length === 0 ? 'linear' : 'mlp',
		hiddenLayers: hidden
	};
}

/**
 * The link's example rows as a dataset (features as typed, the target unknown), so the imported
 * project has data to look at and a dataset its run belongs to. Cells that are not numbers in
 * a numeric feature become missing rather than failing the import.
 */
export function examplesTable(payload: SharePayload): Table {
	const rows = payload.demo.examples;
	const columns: Column[] = payload.preprocessing.features.map((f) => {
		const texts = rows.map((r) => (Object.prototype.hasOwnProperty.call(r, f.name) ? r[f.name] : '').trim());
		if (f.kind === 'numeric') return { name: f.name, kind: 'numeric', values: Float64Array.from(texts, (t) => (isMissing(t) ? NaN : (parseNumber(t) ?? NaN))) };
		const categories = [...new Set(texts.filter((t) => !isMissing(t)))];
		return { name: f.name, kind: 'categorical', categories, codes: Int32Array.from(texts, (t) => categories.indexOf(t)) };
	});
	const target = payload.preprocessing.target;
	columns.push(
		target.task === 'classification'
			? { name: target.name, kind: 'categorical', categories: [...target.classes], codes: new Int32Array(rows.length).fill(-1) }
			: { name: target.name, kind: 'numeric', values: new Float64Array(rows.length).fill(NaN) }
	);
	return { rowCount: rows.length, columns };
}

/** A new project holding the link's model as a finished run (its model in use) and its examples. */
export function sharedProjectRecords(payload: SharePayload, artifacts: ModelArtifacts, newId: (prefix: string) => string, now: number): ProjectRecords {
	const title = payload.demo.title.trim() || 'Shared model';
	const config = configFromShare(payload);
	const projectId = newId('project');
	const datasetId = newId('dataset');
	const runId = newId('run');
	const modelId = newId('model');
	const table = examplesTable(payload);
	const run: RunRecord = {
		id: runId,
		projectId,
		datasetId,
		config,
		status: 'done',
		createdAt: now,
		finishedAt: now,
		history: [],
		modelId,
		source: { kind: 'share-link', title, importedAt: now }
	};
	const chunks = tableToChunks(datasetId, table);
	return {
		project: { id: projectId, name: title, createdAt: now, updatedAt: now, datasetId, target: config.target, task: config.task, lastConfig: config, modelRunId: runId },
		datasets: [
			{
				id: datasetId,
				projectId,
				name: 'Examples from the share link',
				fileName: 'share-link-examples.csv',
				source: 'upload',
				rowCount: table.rowCount,
				columns: describeColumns(table),
				profile: profileTable(table),
				chunkRows: CHUNK_ROWS,
				chunkCount: chunks.length,
				bytes: tableBytes(table),
				createdAt: now
			}
		],
		chunks,
		runs: [run],
		models: [{ id: modelId, runId, projectId, createdAt: now, artifacts, preprocessing: payload.preprocessing }]
	};
}
