import { getDataset, getVariant, loadTable, type ModelRecord, type RunRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import { withConfigDefaults } from '$shared/train-config';
import type { OnnxExportResult, ShipProgress } from '../protocol';
import { classicExportRefusal } from '../lib/ship-run/classic-onnx';
import { checkEncodedOnnx, decodedModelOnnx, pipelineZip, type PipelineRunModel } from '../lib/ship-run/pipeline-export';
import { splitFor } from '../lib/train-data';
import { loadOrt, ORT_LABEL } from './ort';
import { onnxExportResult } from './ship-common';

/**
 * ONNX export of a run trained through a recorded Prepare pipeline (a network, or a classic model
 * once those train through pipelines): model.onnx on the encoded features plus the fitted
 * pipeline as pipeline.json, zipped, checked on the holdout rows encoded through that pipeline.
 */

/** A stored model that trained through a pipeline (no built-in encoding), or null. */
export function pipelineModel(stored: ModelRecord): PipelineRunModel | null {
	return !stored.preprocessing && stored.pipeline ? { artifacts: stored.artifacts, pipeline: stored.pipeline } : null;
}

/** Refuse a classic family ONNX cannot hold, by name. */
export function refuseUnexportable(stored: ModelRecord): void {
	const refusal = classicExportRefusal(stored.artifacts);
	if (refusal) throw new KilnError('ExportError', refusal);
}

export async function exportPipelineRun(run: RunRecord, model: PipelineRunModel, variantId: string, onProgress?: (p: ShipProgress) => void): Promise<OnnxExportResult> {
	let variantOnnx: Uint8Array | undefined;
	if (variantId !== 'float32') {
		const variant = await getVariant(run.id, variantId);
		if (!variant.onnx) throw new KilnError('ExportError', `“${variant.row.label}” exists only as tfjs files; export it as tfjs, or pick another variant.`);
		variantOnnx = variant.onnx;
	}
	onProgress?.({ fraction: 0.2, label: 'Writing the ONNX graph and the pipeline file' });
	const onnx = await decodedModelOnnx(model, variantOnnx);
	onProgress?.({ fraction: 0.4, label: 'Starting ONNX Runtime Web' });
	const ort = await loadOrt();
	const table = await loadTable(await getDataset(run.datasetId));
	onProgress?.({ fraction: 0.6, label: 'Encoding the holdout rows through the pipeline and checking the file' });
	const { split } = splitFor(table, withConfigDefaults(run.config));
	const check = await checkEncodedOnnx(ort, onnx, model, table, Int32Array.from(split.holdout), ORT_LABEL);
	const zip = pipelineZip(onnx, model.pipeline);
	onProgress?.({ fraction: 1, label: 'Done' });
	return onnxExportResult(zip, onnx, variantId, check, { sidecar: 'pipeline' });
}
