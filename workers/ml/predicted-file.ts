import { getDataset, getRun, loadTable, type DatasetRecord, type ModelRecord, type RunRecord } from '$lib/db';
import { errorMessage, KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import type { DriftReport, FileDrift, FilePrediction, InputColumn, PredictResult, Table, TargetTransform } from '../protocol';
import { driftReport, textDriftReport } from '../lib/drift';
import { textRunSplit, type TextRunTopology } from './text-artifacts';
import type { ImportEnd } from '../lib/data/import';
import { PREVIEW_ROWS, predictionTable, toCsv } from '../lib/predict-file';
import { modelInputColumns } from '../lib/predict-input';
import { runSplit } from '../lib/train-split';
import { targetAsTrained } from '../lib/train-table';

/** The table a model was trained from and its training rows in it, with what a person should know about it. */
export interface TrainingReference {
	table: Table;
	rows: Int32Array;
	notes: string[];
}

/** The run a model came from and the dataset it trained on, or why there is none to compare with. */
async function trainedFrom(model: ModelRecord): Promise<{ run: RunRecord; dataset: DatasetRecord } | string> {
	const run = await getRun(model.runId);
	if (run.source?.kind === 'share-link') return 'This model came from a share link, which carries no training rows: there is nothing to compare the new rows with.';
	const dataset = await getDataset(run.datasetId).catch(() => null);
	if (!dataset) return 'The data set this model was trained on is no longer in the project, so there is nothing to compare the new rows with.';
	return { run, dataset };
}

/** The stored run's dataset, its target read as training read it, and the run's training rows (the same seeded split). */
export async function trainingReference(model: ModelRecord): Promise<TrainingReference | string> {
	const from = await trainedFrom(model);
	if (typeof from === 'string') return from;
	const { run, dataset } = from;
	const target = model.pipeline?.target ?? model.preprocessing?.target;
	const table = targetAsTrained(await loadTable(dataset), run.config.target, dataset.columns, target?.task === 'classification' ? target.classes : undefined);
	const { split } = runSplit(table, withConfigDefaults(run.config));
	const notes: string[] = [];
	// (The run's own train count is taken after balancing and pipeline row steps, so it is no test of edits.)
	const edits = (dataset.edits ?? []).filter((e) => e.at > run.createdAt).length;
	if (edits > 0) notes.push(`The data set was edited after this model was trained (${edits} edit${edits === 1 ? '' : 's'}); its training rows are read from the data as stored now.`);
	if (model.pipeline?.steps.some((s) => s.trainingOnly)) notes.push('Its pipeline drops some rows before training; the training rows compared here are taken before those steps.');
	return { table, rows: split.train, notes };
}

/**
 * A drift check that cannot be made says why (`check` returned the reason, or threw) instead of
 * failing the prediction it came with.
 */
async function checked(what: 'rows' | 'texts', check: () => Promise<DriftReport | string>): Promise<FileDrift> {
	try {
		const report = await check();
		return typeof report === 'string' ? { unavailable: report } : { report };
	} catch (error) {
		return { unavailable: `The new ${what} could not be compared with the training ${what === 'rows' ? 'data' : 'texts'}: ${errorMessage(error)}` };
	}
}

/** The new rows' drift from the model's training rows. */
export function fileDrift(model: ModelRecord, inputs: readonly InputColumn[], current: Table, target: TargetTransform, predictions: readonly string[], reference: (model: ModelRecord) => Promise<TrainingReference | string> = trainingReference): Promise<FileDrift> {
	return checked('rows', async () => {
		const ref = await reference(model);
		if (typeof ref === 'string') return ref;
		const report = driftReport({ reference: ref.table, referenceRows: ref.rows, current, inputs, target: { name: target.name, task: target.task }, predictions });
		return { ...report, notes: [...ref.notes, ...report.notes] };
	});
}

/** A file of texts against a text classifier's training texts (textDriftReport). */
export function textFileDrift(model: ModelRecord, topology: TextRunTopology, texts: readonly (string | null)[], predictions: readonly string[]): Promise<FileDrift> {
	return checked('texts', async () => {
		const from = await trainedFrom(model);
		if (typeof from === 'string') return from;
		const config = withConfigDefaults(from.run.config);
		const { texts: all, labels, split } = textRunSplit(await loadTable(from.dataset), config, topology);
		const pick = (rows: Int32Array) => Array.from(rows, (r) => all[r]);
		return textDriftReport({ column: topology.column, target: config.target, trainTexts: pick(split.train), trainLabels: Array.from(split.train, (r) => labels[r] ?? ''), holdoutTexts: pick(split.holdout), currentTexts: texts, predictions });
	});
}

/**
 * A predicted file as the page gets it, whatever ran the model: the person's columns with the
 * predictions beside them (a preview and the whole CSV) and the rows' drift from training.
 */
export async function predictedFile(stored: ModelRecord, read: { table: Table; end: ImportEnd; warnings: string[] }, target: TargetTransform, result: PredictResult, fileName: string, reference?: (model: ModelRecord) => Promise<TrainingReference | string>): Promise<FilePrediction> {
	const { header, rows } = predictionTable(read.table, read.end.columns.map((c) => c.name), target, result, read.end.columns);
	if (rows.length === 0) throw new KilnError('SchemaMismatchError', `${fileName} has no rows to predict.`);
	const drift = await fileDrift(stored, modelInputColumns(stored), read.table, target, result.predictions, reference);
	return { rowCount: rows.length, header, preview: rows.slice(0, PREVIEW_ROWS), warnings: [...read.warnings, ...result.warnings], csv: new Blob([toCsv(header, rows)], { type: 'text/csv' }), drift };
}
