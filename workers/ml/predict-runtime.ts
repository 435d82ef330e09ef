import type * as tfl from '@tensorflow/tfjs-layers';
import { getModel, getRun, getTradeoff, saveRuntimePick, type ModelRecord } from '$lib/db';
import { KilnError } from '$shared/errors';
import type { BackendChoice, InputColumn, PredictResult, PredictRuntime, PredictRuntimeApi, RuntimeTiming, Table } from '../protocol';
import { decodeOutputs, encodeForModel, type ModelEncoding } from '../lib/predict';
import { modelEncoding, modelInputColumns, readFormRows } from '../lib/predict-input';
import { deserializeModel, forward } from '../lib/model';
import { isClassicArtifacts, classicFromArtifacts } from '../lib/model-lab/artifacts';
import { classicRawOutputs } from '../lib/model-lab/outputs';
import type { ClassicModel } from '../lib/models/types';
import { classicExportRefusal } from '../lib/ship-run/classic-onnx';
import { predictOnnx } from '../lib/ship-run/predict-onnx';
import { FormRowReader } from '../lib/predict-runtime/form-row';
import { forwardFromSpec, plainForwardSpec, type PlainForward, type PlainForwardSpec } from '../lib/predict-runtime/plain-forward';
import type { LanePackage } from '../lib/predict-lane/lane-model';
import { pickFromTradeoff, pickRuntime, pickStillValid, timeCandidates } from '../lib/predict-runtime/pick';
import { backendHandlers, chosenBackend, ensureBackend } from './backend';
import { loadOrt } from './ort';
import { pipelineSession } from './ship-export';

/**
 * Form predictions on the runtime measured fastest for the model. The model, its reading of a
 * row and its ONNX session stay warm in the prediction worker, so a prediction is one message
 * each way and no IndexedDB read, deserialisation or CSV round trip.
 */

interface Warm {
	key: string;
	record: ModelRecord;
	encoding: ModelEncoding;
	inputs: InputColumn[];
	reader: FormRowReader;
	backend: string;
	layers: tfl.LayersModel | null;
	classic: ClassicModel | null;
	plain: PlainForward | null;
	spec: PlainForwardSpec | null;
}

let warm: Warm | null = null;

async function useBackend(choice: BackendChoice): Promise<string> {
	const active = choice === chosenBackend() ? await ensureBackend() : await backendHandlers.useBackend(choice);
	return active.backend;
}

async function warmModel(modelId: string, backend: string): Promise<Warm> {
	// tfjs weights live on a backend: a backend switch loads the model again.
	const key = `${modelId}|${backend}`;
	if (warm?.key === key) return warm;
	const record = await getModel(modelId);
	const classic = isClassicArtifacts(record.artifacts) ? classicFromArtifacts(record.artifacts) : null;
	const layers = classic ? null : await deserializeModel(record.artifacts);
	warm?.layers?.dispose();
	const inputs = modelInputColumns(record);
	const spec = layers ? plainForwardSpec(layers) : null;
	warm = { key, record, encoding: modelEncoding(record), inputs, reader: new FormRowReader(inputs, record.missing), backend, layers, classic, plain: spec ? forwardFromSpec(spec) : null, spec };
	return warm;
}

async function readRow(w: Warm, row: Record<string, string>): Promise<Table> {
	return w.reader.read(row) ?? (await readFormRows(w.inputs, [row], w.record.missing));
}

/** ONNX Runtime takes raw rows only for runs with the built-in encoding and a family ONNX holds. */
function onnxPossible(w: Warm): boolean {
	return !!w.record.preprocessing && classicExportRefusal(w.record.artifacts) === null;
}

async function outputs(w: Warm, runtime: 'tfjs' | 'js', x: Float32Array, width: number): Promise<Float32Array> {
	if (w.classic) return classicRawOutputs(w.classic, x, 1);
	if (runtime === 'js') {
		if (!w.plain) throw new KilnError('ModelFormatError', 'This model has layers the plain JavaScript forward pass does not compute; predict with TensorFlow.js.');
		return Float32Array.from(w.plain.run(x));
	}
	return forward(w.layers!, x, 1, width);
}

async function predictOne(w: Warm, runtime: PredictRuntime, row: Record<string, string>): Promise<PredictResult> {
	const table = await readRow(w, row);
	if (runtime === 'onnx') {
		if (!onnxPossible(w)) throw new KilnError('ExportError', 'This model has no raw-row ONNX export (a run trained through a recorded pipeline, or a family ONNX cannot hold); predict with TensorFlow.js.');
		const { session, preprocessing, numericType } = await pipelineSession(w.record.runId, 'float32');
		return predictOnnx(await loadOrt(), session, preprocessing, table, numericType);
	}
	const { x, width, target, warnings } = encodeForModel(w.encoding, table);
	return decodeOutputs(await outputs(w, runtime, x, width), target, warnings);
}

/** The runtimes this model can predict a form row with; ONNX only when its session really starts. */
async function available(w: Warm): Promise<PredictRuntime[]> {
	const runtimes: PredictRuntime[] = ['tfjs'];
	if (w.plain) runtimes.push('js');
	if (onnxPossible(w)) {
		try {
			await pipelineSession(w.record.runId, 'float32');
			runtimes.push('onnx');
		} catch {
			// No ONNX form (e.g. a layer the exporter does not write): the other runtimes remain.
		}
	}
	return runtimes;
}

const WARMUP = 5;
const REPEATS = 30;

export const predictRuntimeHandlers: PredictRuntimeApi = {
	async pickRuntime(runId, row, backendChoice, remeasure = false) {
		const run = await getRun(runId);
		if (!run.modelId) return null;
		const backend = await useBackend(backendChoice);
		const w = await warmModel(run.modelId, backend);
		const runtimes = await available(w);
		if (runtimes.length < 2) return null;
		if (!remeasure && pickStillValid(run.runtimePick, run.modelId, runtimes)) return run.runtimePick;
		const label = (runtime: PredictRuntime) => (runtime === 'onnx' ? 'wasm' : backend);
		let pick = null;
		const table = remeasure ? null : await getTradeoff(runId);
		const fromTable = table ? pickFromTradeoff(table.rows, Date.now(), run.modelId) : null;
		if (fromTable && runtimes.includes('onnx')) {
			// The table timed the model alone on an encoded row; the plain forward is timed over the same span.
			const timings: RuntimeTiming[] = [...fromTable.timings];
			if (w.plain) {
				const { x } = encodeForModel(w.encoding, await readRow(w, row));
				const [js] = await timeCandidates([{ runtime: 'js', backend: label('js'), run: async () => outputs(w, 'js', x, x.length) }], WARMUP, REPEATS, () => performance.now());
				timings.push(js);
			}
			pick = pickRuntime(timings, Date.now(), run.modelId, 'tradeoff', w.plain ? REPEATS : 0);
		} else {
			const candidates = runtimes.map((runtime) => ({ runtime, backend: label(runtime), run: () => predictOne(w, runtime, row) }));
			pick = pickRuntime(await timeCandidates(candidates, WARMUP, REPEATS, () => performance.now()), Date.now(), run.modelId, 'measured', REPEATS);
		}
		await saveRuntimePick(runId, pick);
		return pick;
	},

	async predictRowWith({ modelId, runtime, backend }, row) {
		const w = await warmModel(modelId, await useBackend(backend));
		return { ...(await predictOne(w, runtime, row)), runtime };
	}
};

/** What the page's SharedArrayBuffer lane worker needs for this model's plain-JS forward; null when it has none. */
export async function lanePackage(modelId: string, backend: BackendChoice): Promise<LanePackage | null> {
	const w = await warmModel(modelId, await useBackend(backend));
	if (!w.spec || w.classic) return null;
	return { modelId, inputs: w.inputs, missing: w.record.missing, encoding: w.encoding, forward: w.spec };
}
