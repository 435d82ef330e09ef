import { strToU8, zipSync } from 'fflate';
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import type { ModelArtifacts, OnnxCheck, Preprocessing, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { modelInputs } from '$workers/lib/model-input';
import { modelPredict } from '$workers/lib/run-evaluation';
import { isClassicArtifacts } from '$workers/lib/model-lab/artifacts';
import { classicModelOnnx } from './classic-onnx';
import { exportPipelineOnnx, exportTfjsOnnx, pipelineFeeds, tfjsFiles, toSidecar, type OnnxFeeds, type OrtRuntime } from '$workers/lib/ship';

/**
 * A run's model as files a person takes away: one ONNX graph from raw values to the label (the
 * fitted preprocessing inside), checked in onnxruntime against the tfjs model it came from, and
 * the tfjs layers files with the preprocessing as a JSON sidecar.
 */

export interface RunModel {
	artifacts: ModelArtifacts;
	preprocessing: Preprocessing;
}

/** Kiln's model (logits or standardised values) as an ONNX graph without preprocessing. */
export async function modelOnnx(model: Pick<RunModel, 'artifacts'>): Promise<Uint8Array> {
	if (isClassicArtifacts(model.artifacts)) return classicModelOnnx(model.artifacts);
	return exportTfjsOnnx(model.artifacts, { inputNames: ['features'], outputNames: ['output'] });
}

/** Raw values → label: the preprocessing, the model (`onnx`, e.g. an int8 variant) and the decoding. */
export async function pipelineOnnx(model: RunModel, onnx?: Uint8Array): Promise<Uint8Array> {
	// Classic classifiers already end in probabilities; networks end in logits.
	const modelOutput = isClassicArtifacts(model.artifacts) ? 'probabilities' : 'logits';
	return exportPipelineOnnx(model.preprocessing, onnx ?? (await modelOnnx(model)), { modelOutput, outputName: 'output', numericType: numericTypeFor(model) });
}

/** Classic models (trees split on exact values) take raw numbers as float64; networks as float32. */
export function numericTypeFor(model: Pick<RunModel, 'artifacts'>): 'float' | 'double' {
	return isClassicArtifacts(model.artifacts) ? 'double' : 'float';
}

/** Plain feeds as onnxruntime tensors. */
export function feedTensors(ort: OrtRuntime, feeds: OnnxFeeds): Record<string, Tensor> {
	const inputs: Record<string, Tensor> = {};
	for (const [name, feed] of Object.entries(feeds)) {
		inputs[name] = feed.type === 'int64' ? new ort.Tensor('int64', feed.data, feed.dims) : feed.type === 'float64' ? new ort.Tensor('float64', feed.data, feed.dims) : new ort.Tensor('float32', feed.data, feed.dims);
	}
	return inputs;
}

/**
 * Run `pipeline` in `ort` on `rows` of `table` and compare with the tfjs model: class
 * probabilities (and labels) for a classifier, predictions in the target's units for a regressor.
 */
export async function checkOnnx(ort: OrtRuntime, pipeline: Uint8Array, model: RunModel, table: Table, rows: Int32Array, runtime: string): Promise<OnnxCheck> {
	if (rows.length === 0) throw new KilnError('ExportError', 'This run has no holdout rows to check the ONNX file on.');
	const prep = model.preprocessing;
	const feeds = pipelineFeeds(prep, table, rows, numericTypeFor(model));
	const session: InferenceSession = await ort.InferenceSession.create(pipeline);
	let got: Float32Array;
	const compared = prep.target.task === 'classification' ? 'probabilities' : 'prediction';
	try {
		const result = await session.run(feedTensors(ort, feeds), [compared]);
		got = result[compared].data as Float32Array;
	} finally {
		await session.release();
	}
	const { x } = encodeRowsFor(model, table, rows);
	return compareOutputs(await modelPredict(model)(x, rows.length), got, rows.length, compared, runtime);
}

/** Kiln's answers (`want`) against the runtime's (`got`): largest difference and rows that agree. */
export function compareOutputs(want: Float32Array, got: Float32Array, rows: number, compared: OnnxCheck['compared'], runtime: string): OnnxCheck {
	if (want.length !== got.length) throw new KilnError('ExportError', `The ONNX file gives ${got.length} values for ${rows} rows; Kiln's model gives ${want.length}.`);
	let maxAbsDiff = 0;
	for (let i = 0; i < want.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(want[i] - got[i]));
	if (!Number.isFinite(maxAbsDiff)) maxAbsDiff = Infinity;
	const width = want.length / rows;
	let agreed = 0;
	for (let r = 0; r < rows; r++) {
		if (compared === 'prediction') {
			if (Math.abs(want[r] - got[r]) <= 1e-4 * Math.max(1, Math.abs(want[r]))) agreed++;
		} else if (argmax(want, r, width) === argmax(got, r, width)) agreed++;
	}
	return { runtime, rows, compared, maxAbsDiff, agreed };
}

function argmax(values: Float32Array, row: number, width: number): number {
	let best = 0;
	for (let c = 1; c < width; c++) if (values[row * width + c] > values[row * width + best]) best = c;
	return best;
}

function encodeRowsFor(model: RunModel, table: Table, rows: Int32Array) {
	return modelInputs({ preprocessing: model.preprocessing }, table, rows, false);
}

/** model.json + weights.bin (loadable with tf.loadLayersModel) and preprocessing.json, zipped. */
export function tfjsZip(model: RunModel, note: string): Uint8Array {
	const { json, weights } = tfjsFiles(model.artifacts);
	return zipSync(
		{
			'model.json': json,
			'weights.bin': weights,
			'preprocessing.json': strToU8(JSON.stringify(toSidecar(model.preprocessing), null, 2)),
			'README.txt': strToU8(note)
		},
		{ level: 6, mtime: new Date('2000-01-01T00:00:00Z') }
	);
}
