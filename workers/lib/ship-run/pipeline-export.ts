import { strToU8, zipSync } from 'fflate';
import type { ModelArtifacts, OnnxCheck, Table, TargetTransform } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { serialiseFittedPipeline, type FittedPipeline } from '$workers/lib/data/pipeline';
import { isClassicArtifacts } from '$workers/lib/model-lab/artifacts';
import { modelInputs, modelOutputs } from '$workers/lib/model-input';
import { softmaxFlat } from '$workers/lib/run-evaluation';
import { graphSignature, type OrtRuntime } from '$workers/lib/ship';
import { DataType, GraphBuilder, decodeModel } from '$workers/lib/ship/onnx-builder';
import { embedModel } from '$workers/lib/ship/onnx-compose';
import { compareOutputs, modelOnnx } from './export-run';

/**
 * A run trained through a recorded Prepare pipeline. Its table steps (imputation, derived columns,
 * TF-IDF, hashing…) have no ONNX form here, so the export is two files: an ONNX graph that takes
 * the encoded features and returns the decoded answer, and the fitted pipeline as JSON — the
 * document Kiln itself replays (applyPipeline / encodeRows) to make those features.
 */

export interface PipelineRunModel {
	artifacts: ModelArtifacts;
	pipeline: FittedPipeline;
}

export const FEATURES_INPUT = 'features';

export function pipelineTarget(pipeline: FittedPipeline): TargetTransform {
	if (!pipeline.target) throw new KilnError('ExportError', 'The fitted pipeline of this run has no target, so the export cannot say what the model predicts.');
	return pipeline.target;
}

/** Encoded features → probabilities, label_index and label (classification) or prediction in the target's units. */
export async function decodedModelOnnx(model: PipelineRunModel, onnx?: Uint8Array): Promise<Uint8Array> {
	const bytes = onnx ?? (await modelOnnx(model));
	const signature = graphSignature(decodeModel(bytes));
	const target = pipelineTarget(model.pipeline);
	const g = new GraphBuilder(13);
	const outputs = target.task === 'classification' ? ['probabilities', 'label_index', 'label'] : ['prediction'];
	outputs.forEach((name) => g.claimOutput(name));
	const x = g.input(FEATURES_INPUT, DataType.FLOAT, ['N', model.pipeline.inputSize]);
	const out = embedModel(g, bytes, 'model/', { [signature.inputs[0].name]: x })[signature.outputs[0].name];
	if (target.task === 'regression') {
		const value = g.node('Add', [g.node('Mul', [out, g.float('target_std', [target.std], [])]), g.float('target_mean', [target.mean], [])]);
		g.output(value, 'prediction', DataType.FLOAT, ['N', 1]);
		return g.encode('model', 'Kiln model on pipeline-encoded features (see pipeline.json).');
	}
	// Networks end in logits; classic classifiers in probabilities.
	const probabilities = isClassicArtifacts(model.artifacts) ? out : g.node('Softmax', [out], { axis: { i: -1 } });
	const index = g.node('ArgMax', [probabilities], { axis: { i: 1 }, keepdims: { i: 0 } });
	g.output(probabilities, 'probabilities', DataType.FLOAT, ['N', target.classes.length]);
	g.output(index, 'label_index', DataType.INT64, ['N']);
	g.output(g.node('Gather', [g.strings('classes', target.classes), index], { axis: { i: 0 } }), 'label', DataType.STRING, ['N']);
	return g.encode('model', 'Kiln model on pipeline-encoded features (see pipeline.json).');
}

/** Kiln's answer for encoded rows: class probabilities or predictions in the target's units. */
async function kilnPredictions(model: PipelineRunModel, x: Float32Array, rows: number): Promise<Float32Array> {
	const target = pipelineTarget(model.pipeline);
	const raw = await modelOutputs(model.artifacts, x, rows, model.pipeline.inputSize);
	return target.task === 'classification' ? softmaxFlat(raw, target.classes.length) : Float32Array.from(raw, (v) => v * target.std + target.mean);
}

/**
 * Encode `rows` of `table` through the fitted pipeline (prediction mode, as a person using the
 * sidecar would), run the graph in `ort` and compare with Kiln's own model on the same features.
 */
export async function checkEncodedOnnx(ort: OrtRuntime, bytes: Uint8Array, model: PipelineRunModel, table: Table, rows: Int32Array, runtime: string): Promise<OnnxCheck> {
	if (rows.length === 0) throw new KilnError('ExportError', 'This run has no holdout rows to check the ONNX file on.');
	const { x, width } = modelInputs({ pipeline: model.pipeline }, table, rows, false);
	const compared = pipelineTarget(model.pipeline).task === 'classification' ? 'probabilities' : 'prediction';
	const session = await ort.InferenceSession.create(bytes);
	let got: Float32Array;
	try {
		const result = await session.run({ [FEATURES_INPUT]: new ort.Tensor('float32', x, [rows.length, width]) }, [compared]);
		got = result[compared].data as Float32Array;
	} finally {
		await session.release();
	}
	return compareOutputs(await kilnPredictions(model, x, rows.length), got, rows.length, compared, runtime);
}

export const PIPELINE_README = [
	'A model exported by Kiln, trained through a recorded data pipeline.',
	'model.onnx takes "features" float [N, inputSize]: the rows encoded by pipeline.json, the fitted',
	'pipeline (format kiln-fitted-pipeline) that Kiln replays: its table steps in order (steps that are',
	'trainingOnly are skipped at prediction), then each feature encoding in matrix order.',
	'Outputs: "probabilities", "label_index", "label" (classification) or "prediction" (regression, target units).',
	''
].join('\n');

/** model.onnx + pipeline.json + README.txt, zipped (fixed timestamps, so the same run gives the same bytes). */
export function pipelineZip(onnx: Uint8Array, pipeline: FittedPipeline): Uint8Array {
	return zipSync(
		{ 'model.onnx': onnx, 'pipeline.json': strToU8(serialiseFittedPipeline(pipeline)), 'README.txt': strToU8(PIPELINE_README) },
		{ level: 6, mtime: new Date('2000-01-01T00:00:00Z') }
	);
}
