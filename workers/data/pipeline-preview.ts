import { getDataset, readRows } from '$lib/db';
import type { PipelinePreviewResult } from '$workers/protocol';
import { displayCell } from '$shared/cell-format';
import { previewPipeline, type Pipeline } from '$workers/lib/data/pipeline';

/** Rows of the stored dataset a pipeline preview runs on (from its start, evenly spread). */
export const PIPELINE_SAMPLE = 1000;
const SHOWN_ROWS = 10;
/** The sample comes from the first rows read, so a preview stays quick on a million rows. */
const READ_ROWS = 20_000;

/**
 * A pipeline being edited, run on a sample of the dataset: per step its row and column counts,
 * errors and warnings, the encodings' inputs, and the first rows after the table steps.
 */
export async function previewStoredPipeline(datasetId: string, pipeline: Pipeline): Promise<PipelinePreviewResult> {
	const record = await getDataset(datasetId);
	const table = await readRows(record, 0, Math.min(record.rowCount, READ_ROWS));
	const step = Math.max(1, table.rowCount / PIPELINE_SAMPLE);
	const sample = Int32Array.from({ length: Math.min(PIPELINE_SAMPLE, table.rowCount) }, (_, i) => Math.floor(i * step));
	const preview = previewPipeline(pipeline, table, sample);
	const meaning = new Map(record.columns.map((c) => [c.name, c]));
	const rows: string[][] = [];
	for (let r = 0; r < Math.min(SHOWN_ROWS, preview.table.rowCount); r++) {
		rows.push(preview.table.columns.map((c) => displayCell(c, r, meaning.get(c.name)?.kind === c.kind ? meaning.get(c.name) : undefined)));
	}
	return {
		sampleRows: sample.length,
		stages: preview.stages,
		features: preview.features,
		columns: preview.table.columns.map((c) => ({ name: c.name, kind: c.kind })),
		rows,
		width: preview.matrix.width,
		names: preview.matrix.names
	};
}
