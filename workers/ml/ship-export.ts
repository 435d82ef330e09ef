import { getDataset, getModel, getRun, getVariant, loadTable, type ModelRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import { checkOnnx, modelOnnx, numericTypeFor, pipelineOnnx, tfjsZip, type RunModel } from '../lib/ship-run/export-run';
import { compressRun, runSplit } from '../lib/ship-run/variants';
import { predictOnnx } from '../lib/ship-run/predict-onnx';
import { rowsTable } from '../lib/rows-table';
import type { InferenceSession } from 'onnxruntime-web';
import type { Preprocessing, ShipExportApi } from '../protocol';
import { ensureBackend } from './backend';
import { loadOrt, ORT_LABEL } from './ort';
import { compressionStore, onnxExportResult } from './ship-common';
import { refuseTextRun } from '../lib/text/text-run';
import { exportPipelineRun, pipelineModel, refuseUnexportable } from './ship-pipeline';
import { predictFileOnnx } from './ship-predict-file';
import { imageShip } from './ship-image';
import { tfjsPipelineZip } from '../lib/ship-run/pipeline-tfjs';
import { textShip } from './ship-text';

/** Exports carry the built-in encoding; a model trained through a recorded pipeline has none (yet). */
function builtIn(stored: ModelRecord): Preprocessing {
	refuseTextRun(stored.artifacts.modelTopology, 'TensorFlow.js export and compression');
	if (!stored.preprocessing) throw new KilnError('ExportError', 'This run was trained through a recorded pipeline, which ONNX and tfjs exports and compression cannot carry yet. Train a run with the built-in encoding to export it.');
	return stored.preprocessing;
}

/** The run's model, or one of its stored variants, with the data to check it on. */
async function load(runId: string, variantId = 'float32') {
	const run = await getRun(runId);
	if (run.status !== 'done' || !run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model can be exported.');
	const stored = await getModel(run.modelId);
	refuseUnexportable(stored);
	await ensureBackend();
	let model: RunModel = { artifacts: stored.artifacts, preprocessing: builtIn(stored) };
	let onnx: Uint8Array | undefined;
	let label = 'Original (float32)';
	if (variantId !== 'float32') {
		const variant = await getVariant(runId, variantId);
		model = { artifacts: variant.artifacts, preprocessing: builtIn(stored) };
		onnx = variant.onnx;
		label = variant.row.label;
		if (!onnx) throw new KilnError('ExportError', `“${label}” exists only as tfjs files (ONNX has no such storage format); export it as tfjs, or pick another variant.`);
	}
	return { run, model, onnx, label };
}

/** A finished run trained through a recorded pipeline, with its model; null for the built-in encoding. */
async function pipelineRun(runId: string) {
	const run = await getRun(runId);
	if (run.status !== 'done' || !run.modelId) return null;
	const stored = await getModel(run.modelId);
	const model = pipelineModel(stored);
	if (!model) return null;
	refuseUnexportable(stored);
	await ensureBackend();
	return { run, model };
}

/** The last pipeline used for predictions, kept warm so each form prediction is one run. */
let warm: { key: string; session: InferenceSession; preprocessing: Preprocessing; numericType: 'float' | 'double' } | null = null;

export async function pipelineSession(runId: string, variantId: string) {
	const key = `${runId}|${variantId}`;
	if (warm?.key === key) return warm;
	const { model, onnx } = await load(runId, variantId);
	const ort = await loadOrt();
	const session = await ort.InferenceSession.create(await pipelineOnnx(model, onnx ?? (await modelOnnx(model))));
	await warm?.session.release();
	warm = { key, session, preprocessing: model.preprocessing, numericType: numericTypeFor(model) };
	return warm;
}

export const shipExportHandlers: ShipExportApi = {
	async predictRowsOnnx({ runId, variantId = 'float32' }, rows) {
		const { session, preprocessing, numericType } = await pipelineSession(runId, variantId);
		const result = await predictOnnx(await loadOrt(), session, preprocessing, rowsTable(preprocessing.features, rows), numericType);
		return { ...result, runtime: ORT_LABEL };
	},

	async predictFileOnnx({ runId, variantId = 'float32' }, file, fileName) {
		const { session, preprocessing, numericType } = await pipelineSession(runId, variantId);
		const run = await getRun(runId);
		const result = await predictFileOnnx(await loadOrt(), session, preprocessing, numericType, await getModel(run.modelId!), file, fileName);
		return { ...result, runtime: ORT_LABEL };
	},

	async exportOnnx({ runId, variantId = 'float32' }, onProgress) {
		const shipped = await getRun(runId);
		if (imageShip.isImageRun(shipped)) return imageShip.exportOnnx({ runId, variantId }, onProgress);
		if (textShip.isTextRun(shipped)) return textShip.exportOnnx(shipped, variantId, onProgress);
		onProgress?.({ fraction: 0.05, label: 'Reading the model' });
		const piped = await pipelineRun(runId);
		if (piped) return exportPipelineRun(piped.run, piped.model, variantId, onProgress);
		const { run, model, onnx } = await load(runId, variantId);
		onProgress?.({ fraction: 0.2, label: 'Writing the ONNX graph' });
		const pipeline = await pipelineOnnx(model, onnx ?? (await modelOnnx(model)));
		onProgress?.({ fraction: 0.4, label: 'Starting ONNX Runtime Web' });
		const ort = await loadOrt();
		const table = await loadTable(await getDataset(run.datasetId));
		onProgress?.({ fraction: 0.6, label: 'Checking the file on the holdout rows' });
		const { holdout } = runSplit(table, run.config, model);
		const check = await checkOnnx(ort, pipeline, model, table, holdout.rows, ORT_LABEL);
		onProgress?.({ fraction: 1, label: 'Done' });
		return onnxExportResult(pipeline, pipeline, variantId, check);
	},

	async exportTfjs({ runId, variantId = 'float32' }) {
		const run = await getRun(runId);
		if (imageShip.isImageRun(run)) return imageShip.exportTfjs({ runId, variantId });
		if (textShip.isTextRun(run)) return textShip.exportTfjs(run, variantId);
		if (run.status !== 'done' || !run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model can be exported.');
	if (run.config.classic) throw new KilnError('ExportError', 'ONNX / tfjs export and compression cover networks (MLP or linear layer) only; this run is a classic model (tree, forest, boosting, kNN, naive Bayes or solver-fitted linear). Export the project bundle to move it.');
		const stored = await getModel(run.modelId);
		const artifacts = variantId === 'float32' ? stored.artifacts : (await getVariant(runId, variantId)).artifacts;
		const piped = pipelineModel(stored);
		if (piped) {
			refuseTextRun(stored.artifacts.modelTopology, 'ONNX / tfjs export and compression');
			const zip = tfjsPipelineZip(artifacts, piped.pipeline);
			return { file: new Blob([zip.slice().buffer as ArrayBuffer], { type: 'application/zip' }), bytes: zip.length, variantId };
		}
		const note = [
			'A TensorFlow.js layers model exported by Kiln.',
			'Load: tf.loadLayersModel(tf.io.browserFiles([modelJsonFile, weightsBinFile])) or from a URL serving model.json beside weights.bin.',
			'Inputs: the encoded features described in preprocessing.json (numeric: (x - mean) / std, missing = 0; categorical: one-hot).',
			'Outputs: class logits (apply softmax) or, for regression, the standardised target (multiply by std, add mean).',
			''
		].join('\n');
		const zip = tfjsZip({ artifacts, preprocessing: builtIn(stored) }, note);
		return { file: new Blob([zip.slice().buffer as ArrayBuffer], { type: 'application/zip' }), bytes: zip.length, variantId };
	},

	async compressRun(request, onProgress) {
		const started = performance.now();
		const run = await getRun(request.runId);
		if (imageShip.isImageRun(run)) return imageShip.compressRun(request, onProgress);
		if (textShip.isTextRun(run)) return textShip.compressRun(run, request, onProgress);
		if (run.status !== 'done' || !run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model can be compressed.');
		if (run.config.classic) throw new KilnError('ExportError', 'Compression covers networks (MLP or linear layer) only; a classic model is exported to ONNX as it is.');
		const stored = await getModel(run.modelId);
		const { backend } = await ensureBackend();
		onProgress?.({ fraction: 0, label: 'Starting ONNX Runtime Web' });
		const ort = await loadOrt();
		const table = await loadTable(await getDataset(run.datasetId));
		refuseTextRun(stored.artifacts.modelTopology, 'ONNX / tfjs export and compression');
		// The built-in encoding, or the run's fitted Prepare pipeline (the network part is compressed; the pipeline stays as it is).
		const model = pipelineModel(stored) ?? { artifacts: stored.artifacts, preprocessing: builtIn(stored) };
		const split = runSplit(table, run.config, model);
		const store = await compressionStore(run, started, ort, backend, onProgress);
		const rows = await compressRun(model, run.config, split, request, store.options);
		return store.finish(split.holdout.rows.length, request, rows);
	}
};

