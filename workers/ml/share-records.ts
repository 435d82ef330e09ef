import type { ProjectRecords, RunRecord } from '$lib/db';
import { CHUNK_ROWS, describeColumns, chunkBytes, tableToChunks } from '$lib/db/columnar';
import { parseNumber } from '$shared/number';
import { profileTable } from '$shared/table';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { isMissing } from '$workers/lib/csv';
import type { SharePayload } from '$workers/lib/share';
import type { ImportedModel } from '$workers/lib/share/import-link';
import { isLayers } from '$workers/lib/share/kinds-lazy';
import type { Column, Table, TrainConfig } from '$workers/protocol';

/**
 * The training settings a share link implies. The link carries the architecture (dense widths,
 * the classic family, the text model, the image size), target, task and features; everything
 * else it does not know (epochs, learning rate, seed, the family's fit settings…) takes Kiln's
 * defaults, and the run is marked as coming from a share link so nobody reads them as how the
 * model was trained.
 */
export function configFromShare(payload: SharePayload, imported?: Pick<ImportedModel, 'kind' | 'classic' | 'text' | 'hidden'>): TrainConfig {
	const prep = payload.preprocessing;
	const dense = isLayers(payload.model) ? payload.model.layers.filter((l) => l.type === 'dense') : [];
	const hidden = imported?.hidden ?? dense.slice(0, -1).map((l) => l.units);
	const common = { ...DEFAULT_CONFIG, target: prep.target.name, task: prep.target.task, features: prep.features.map((f) => f.name) };
	switch (imported?.kind) {
		case 'classic':
			return { ...common, model: 'linear', hiddenLayers: [], classic: imported.classic };
		case 'text':
			return { ...common, features: [imported.text!.column], model: 'mlp', hiddenLayers: [], text: imported.text };
		case 'image':
			return { ...common, features: [], model: 'mlp', hiddenLayers: [], validationFraction: 0, patience: 0, vision: { mode: 'scratch', preset: 'small', augment: { flip: 0, rotate: 0, shift: 0, brightness: 0, contrast: 0, noise: 0 }, maxTrainImages: 0, fineTuneEpochs: 0 } };
		default:
			return { ...common, model: hidden.length === 0 ? 'linear' : 'mlp', hiddenLayers: hidden };
	}
}

/**
 * The link's example rows as a dataset (features as typed, the target unknown), so the imported
 * project has data to look at and a dataset its run belongs to. Cells that are not numbers in
 * a numeric feature become missing rather than failing the import.
 */
export function examplesTable(payload: SharePayload, textColumn?: string): Table {
	const rows = payload.demo.examples;
	const fields = textColumn ? [{ name: textColumn, kind: 'categorical' as const, from: 'text' }] : payload.preprocessing.features.map((f) => ({ name: f.name, kind: f.kind, from: f.name }));
	const columns: Column[] = fields.map((f) => {
		const texts = rows.map((r) => (Object.prototype.hasOwnProperty.call(r, f.from) ? r[f.from] : '').trim());
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

/**
 * A new project holding the link's model as a finished run (its model in use) and its examples
 * (image links: an empty table, as the link carries no pictures). Always a new project: a link
 * never writes into an existing one.
 */
export function sharedProjectRecords(payload: SharePayload, imported: ImportedModel, newId: (prefix: string) => string, now: number): ProjectRecords {
	const title = payload.demo.title.trim() || 'Shared model';
	const config = configFromShare(payload, imported);
	const projectId = newId('project');
	const datasetId = newId('dataset');
	const runId = newId('run');
	const modelId = newId('model');
	const table = examplesTable(payload, imported.text?.column);
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
		source: { kind: 'share-link', title, importedAt: now },
		...(imported.kind === 'classic' && imported.classic ? { classicInfo: { family: imported.classic.family, modelBytes: imported.artifacts.weightData.byteLength, notes: classicNotes(imported) } } : {})
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
				bytes: chunkBytes(chunks),
				createdAt: now
			}
		],
		chunks,
		runs: [run],
		models: [
			{
				id: modelId,
				runId,
				projectId,
				createdAt: now,
				artifacts: imported.artifacts,
				...(imported.preprocessing ? { preprocessing: imported.preprocessing } : {}),
				...(imported.pipeline ? { pipeline: imported.pipeline, inputs: imported.inputs } : {})
			}
		]
	};
}

function classicNotes(imported: ImportedModel): string[] {
	const topology = imported.artifacts.modelTopology as { model?: { notes?: unknown } };
	const notes = topology.model?.notes;
	return Array.isArray(notes) ? notes.filter((n): n is string => typeof n === 'string') : [];
}
