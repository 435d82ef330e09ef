import { strToU8, zipSync } from 'fflate';
import { assertNotEditedSince, getDataset, getModel, getRun, getVariant, imageMeta, readImageLabels, readImageRows, type RunRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import { registerWasmKernels } from '../lib/kernels/register';
import { tfjsFiles } from '../lib/ship';
import { checkExportable, checkImageOnnx, imageModelOnnx, imagePipelineOnnx, imageSidecar, type ImageRunModel } from '../lib/ship-run/image-export';
import { compressImageRun, imageRunModel, imageRunSplit } from '../lib/ship-run/image-variants';
import type { ShipExportApi } from '../protocol';
import { ensureBackend } from './backend';
import { loadOrt, ORT_LABEL } from './ort';
import { compressionStore, onnxExportResult } from './ship-common';
import { imageSplit } from './vision-split';

/**
 * Export and compression of image runs (a CNN or a transfer model on an image dataset): the same
 * ShipExportApi calls as table runs, with uint8 images read from IndexedDB in place of rows.
 */

async function backend() {
	const { backend } = await ensureBackend();
	// wasm lacks some conv gradients (fine-tuning while pruning needs them); Kiln's kernels fill them in.
	if (backend === 'wasm') registerWasmKernels();
	return backend;
}

async function imageRun(run: RunRecord, variantId = 'float32') {
	if (run.status !== 'done' || !run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model can be exported.');
	const stored = await getModel(run.modelId);
	const base = imageRunModel(stored.artifacts, stored.preprocessing);
	const target = base.preprocessing.target;
	const classes = target.task === 'classification' ? target.classes : [];
	const model: ImageRunModel = { artifacts: base.artifacts, image: base.preprocessing.image!, classes };
	if (variantId === 'float32') return { base, model, label: 'Original (float32)', onnx: undefined };
	const variant = await getVariant(run.id, variantId);
	if (!variant.onnx) throw new KilnError('ExportError', `“${variant.row.label}” exists only as tfjs files (ONNX has no such storage format); export it as tfjs, or pick another variant.`);
	return { base, model: { ...model, artifacts: variant.artifacts }, label: variant.row.label, onnx: variant.onnx };
}

/** The run's training and holdout rows, replayed from its seed exactly as training split them. */
async function runRows(run: RunRecord) {
	const record = await getDataset(run.datasetId);
	const meta = imageMeta(record);
	const labels = await readImageLabels(record);
	const split = imageSplit(labels, meta.classes.length, { seed: run.config.seed, holdoutFraction: run.config.holdoutFraction, testStart: meta.testStart, maxTrain: run.config.vision?.maxTrainImages ?? 0 });
	return { record, split };
}

const json = (value: unknown) => new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' });

export const imageShip: Pick<ShipExportApi, 'exportOnnx' | 'exportTfjs' | 'compressRun'> & { isImageRun(run: RunRecord): boolean } = {
	isImageRun: (run) => !!run.config.vision,

	async exportOnnx({ runId, variantId = 'float32' }, onProgress) {
		const run = await getRun(runId);
		onProgress?.({ fraction: 0.05, label: 'Reading the model' });
		await backend();
		const { model, onnx } = await imageRun(run, variantId);
		await checkExportable(model.artifacts);
		onProgress?.({ fraction: 0.2, label: 'Writing the ONNX graph' });
		const pipeline = await imagePipelineOnnx(model, onnx ?? (await imageModelOnnx(model.artifacts)));
		onProgress?.({ fraction: 0.4, label: 'Starting ONNX Runtime Web' });
		const ort = await loadOrt();
		const { record, split } = await runRows(run);
		onProgress?.({ fraction: 0.6, label: `Checking the file on ${split.holdout.length} holdout images` });
		const { pixels } = await readImageRows(record, split.holdout);
		const check = await checkImageOnnx(ort, pipeline, model, pixels, split.holdout.length, ORT_LABEL);
		onProgress?.({ fraction: 1, label: 'Done' });
		return onnxExportResult(pipeline, pipeline, variantId, check, { imageSidecar: json(imageSidecar(model, 'onnx')) });
	},

	async exportTfjs({ runId, variantId = 'float32' }) {
		const run = await getRun(runId);
		// Any variant has tfjs files, float16 storage included.
		const original = (await imageRun(run)).model;
		const model = variantId === 'float32' ? original : { ...original, artifacts: (await getVariant(runId, variantId)).artifacts };
		const { json: modelJson, weights } = tfjsFiles(model.artifacts);
		const note = [
			'A TensorFlow.js layers model exported by Kiln (an image classifier).',
			'Load: tf.loadLayersModel(tf.io.browserFiles([modelJsonFile, weightsBinFile])) or from a URL serving model.json beside weights.bin.',
			`Input: float32 images [N, ${model.image.height}, ${model.image.width}, ${model.image.channels}] (NHWC), pixel bytes divided by 255; preprocessing.json says how pictures are cropped and resized.`,
			'Output: class logits (apply softmax); preprocessing.json lists the class names in order.',
			''
		].join('\n');
		const zip = zipSync({ 'model.json': modelJson, 'weights.bin': weights, 'preprocessing.json': strToU8(JSON.stringify(imageSidecar(model, 'tfjs'), null, 2)), 'README.txt': strToU8(note) }, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') });
		return { file: new Blob([zip.slice().buffer as ArrayBuffer], { type: 'application/zip' }), bytes: zip.length, variantId };
	},

	async compressRun(request, onProgress) {
		const started = performance.now();
		const run = await getRun(request.runId);
		if (run.status !== 'done' || !run.modelId) throw new KilnError('NotFoundError', 'Only a finished run with a model can be compressed.');
		const name = await backend();
		onProgress?.({ fraction: 0, label: 'Starting ONNX Runtime Web' });
		const ort = await loadOrt();
		const { base } = await imageRun(run);
		const { record, split } = await runRows(run);
		// The export check above only compares two runtimes' outputs; this table scores accuracy on the holdout.
		assertNotEditedSince(record, run.createdAt, 'a trade-off table measured on them');
		onProgress?.({ fraction: 0, label: 'Reading the images' });
		const parts = await imageRunSplit((rows) => readImageRows(record, rows), split, base.preprocessing.image!);
		const store = await compressionStore(run, started, ort, name, onProgress);
		const rows = await compressImageRun(base, run.config, parts, request, store.options);
		return store.finish(parts.holdout.rows.length, request, rows);
	}
};
