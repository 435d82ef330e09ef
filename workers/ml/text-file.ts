import { getModel } from '$lib/db';
import { KilnError } from '$shared/errors';
import type { FilePrediction } from '../protocol';
import { fromBlob, importToTable } from '../lib/data/import';
import { PREVIEW_ROWS, toCsv } from '../lib/predict-file';
import { registerWasmKernels } from '../lib/kernels/register';
import { predictTextLinear } from '../lib/text/linear-text';
import { fileTexts, textPredictionTable } from '../lib/text/text-file';
import { createTokenizer } from '../lib/text/tokenizer';
import { loadTextModel } from '../lib/text/nn/serialise';
import { predictTextModel } from '../lib/text/nn/predict';
import { readTextRun } from './text-artifacts';
import { ensureBackend } from './backend';
import { textFileDrift } from './predicted-file';

/** A CSV / JSONL / Parquet file with the model's text column → the file's rows with predictions. */
export async function predictTextFile(modelId: string, file: Blob, fileName: string): Promise<FilePrediction> {
	const record = await getModel(modelId);
	const topology = readTextRun(record.artifacts);
	const target = record.preprocessing?.target;
	if (target?.task !== 'classification') throw new KilnError('ModelFormatError', 'This text model has no classes stored with it.');
	// The same streaming importer as datasets, so any format and encoding reads the same way.
	const { table, end } = await importToTable(fromBlob(file, fileName), {});
	if (table.rowCount === 0) throw new KilnError('SchemaMismatchError', `${fileName} has no rows to predict.`);
	const texts = fileTexts(table, topology.column, fileName);
	let probabilities: Float32Array;
	let warnings: string[];
	if (topology.kind === 'linear') {
		({ probabilities, warnings } = predictTextLinear(topology.linear, texts));
	} else {
		const { backend } = await ensureBackend();
		if (backend === 'wasm') registerWasmKernels();
		const model = loadTextModel({ weightSpecs: record.artifacts.weightSpecs, weightData: record.artifacts.weightData, modelTopology: topology.network });
		try {
			if (model.config.task === 'token') throw new KilnError('ValidationError', 'File prediction covers text classifiers; a tagger tags typed text on this page.');
			({ probabilities, warnings } = await predictTextModel(model, createTokenizer(topology.tokenizer), texts));
		} finally {
			model.dispose();
		}
	}
	const { header, rows, predicted } = textPredictionTable(table, probabilities, target.classes);
	const drift = await textFileDrift(record, topology, texts, predicted);
	return { rowCount: rows.length, header, preview: rows.slice(0, PREVIEW_ROWS), warnings: [...end.warnings.map((w) => w.message), ...warnings], csv: new Blob([toCsv(header, rows)], { type: 'text/csv' }), drift };
}
