import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-web';
import { KilnError, errorMessage } from '$shared/errors';
import type { OrtRuntime } from '$workers/lib/ship/types';
import type { GraphArtifacts, LayersArtifacts } from './model-files';
import { onnxSignature, tfjsSpec } from './signature';
import { toNumbers } from './interpret';
import type { Feed, ModelSignature, OutputTensor } from './types';

/** A model ready to run in one runtime; `run` takes feeds in the signature's input order. */
export interface LoadedModel {
	signature: ModelSignature;
	runtime: 'ort' | 'tfjs';
	/** The execution provider an ORT session runs on (tfjs models follow tfjs's backend). */
	backend?: string;
	run(feeds: Feed[]): Promise<OutputTensor[]>;
	dispose(): Promise<void>;
}

const refused = (fileName: string, runtime: string, error: unknown) =>
	new KilnError('ModelFormatError', `${runtime} cannot run "${fileName}": ${errorMessage(error)}`);

/** An ONNX file in onnxruntime (web or node) on the given execution providers. */
export async function loadOnnx(ort: OrtRuntime, bytes: Uint8Array, fileName: string, executionProviders: string[] = ['wasm']): Promise<LoadedModel> {
	const signature = onnxSignature(bytes, fileName);
	let session: InferenceSession;
	try {
		session = await ort.InferenceSession.create(bytes, { executionProviders, graphOptimizationLevel: 'all' });
	} catch (error) {
		throw refused(fileName, 'ONNX Runtime', error);
	}
	// Sequences and maps (ZipMap) are left out: only tensors come back as arrays.
	const fetches = signature.outputs.filter((o) => o.type !== 'not a tensor').map((o) => o.name);
	return {
		signature,
		runtime: 'ort',
		backend: executionProviders[0],
		async run(feeds) {
			const inputs: Record<string, OrtTensor> = {};
			for (const feed of feeds) inputs[feed.name] = new ort.Tensor(feed.type, feed.data, feed.dims);
			let result: InferenceSession.OnnxValueMapType;
			try {
				result = await session.run(inputs, fetches);
			} catch (error) {
				throw new KilnError('ValidationError', `ONNX Runtime refused the input for "${fileName}": ${errorMessage(error)}`);
			}
			return fetches.map((name) => {
				const t = result[name];
				if (t.type === 'string') return { name, type: t.type, dims: [...t.dims], values: new Float64Array(0), texts: Array.from(t.data as string[]) };
				return { name, type: t.type, dims: [...t.dims], values: toNumbers(t.data as ArrayLike<number | bigint>) };
			});
		},
		dispose: () => session.release()
	};
}

/** A tfjs layers model on the current tfjs backend. */
export async function loadLayers(artifacts: LayersArtifacts, fileName: string, bytes: number): Promise<LoadedModel> {
	let model: tfl.LayersModel;
	try {
		model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs as tf.io.WeightsManifestEntry[], weightData: artifacts.weightData }));
	} catch (error) {
		throw refused(fileName, 'TensorFlow.js', error);
	}
	const signature: ModelSignature = {
		format: 'tfjs-layers',
		fileName,
		bytes,
		inputs: model.inputs.map((t, i) => tfjsSpec(model.inputNames[i] ?? t.name, t.dtype, t.shape)),
		outputs: model.outputs.map((t, i) => tfjsSpec(model.outputNames[i] ?? t.name, t.dtype, t.shape)),
		notes: []
	};
	return {
		signature,
		runtime: 'tfjs',
		async run(feeds) {
			const inputs = feeds.map(tensorOf);
			let outs: tf.Tensor[];
			try {
				const out = model.predict(inputs.length === 1 ? inputs[0] : inputs);
				outs = Array.isArray(out) ? out : [out];
			} catch (error) {
				throw new KilnError('ValidationError', `TensorFlow.js refused the input for "${fileName}": ${errorMessage(error)}`);
			} finally {
				tf.dispose(inputs);
			}
			return readOutputs(outs, signature);
		},
		dispose: async () => {
			model.dispose();
		}
	};
}

/** Values of one feed as a tfjs tensor of the matching dtype. */
function tensorOf(feed: Feed): tf.Tensor {
	return tf.tensor(feed.data instanceof BigInt64Array ? toNumbers(feed.data) : feed.data, feed.dims, feed.type === 'bool' ? 'bool' : feed.type.startsWith('float') ? 'float32' : 'int32');
}

async function readOutputs(outs: tf.Tensor[], signature: ModelSignature): Promise<OutputTensor[]> {
	try {
		return await Promise.all(outs.map(async (t, i) => ({ name: signature.outputs[i]?.name ?? `output ${i + 1}`, type: t.dtype, dims: [...t.shape], values: toNumbers((await t.data()) as ArrayLike<number>) })));
	} finally {
		tf.dispose(outs);
	}
}

/** Shapes the converter's signature records, by node name ("Identity:0" → "Identity"). */
function signatureShapes(signature: object | undefined): Map<string, number[]> {
	const shapes = new Map<string, number[]>();
	const sides = (signature ?? {}) as Record<string, Record<string, { name?: string; tensorShape?: { dim?: { size?: string | number }[]; unknownRank?: boolean } }> | undefined>;
	for (const side of [sides.inputs, sides.outputs]) {
		for (const [key, info] of Object.entries(side ?? {})) {
			const shape = info?.tensorShape;
			if (!shape || shape.unknownRank) continue;
			shapes.set(String(info.name ?? key).replace(/:\d+$/, ''), (shape.dim ?? []).map((d) => Number(d.size ?? -1)));
		}
	}
	return shapes;
}

/**
 * A tfjs graph model (tensorflowjs_converter's output of a SavedModel, frozen graph or TF Hub
 * module) on the current tfjs backend. tfjs-converter is imported here only, so the worker's other
 * jobs never load it. executeAsync runs graphs with control flow too.
 */
export async function loadGraph(artifacts: GraphArtifacts, fileName: string, bytes: number): Promise<LoadedModel> {
	const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
	let model: Awaited<ReturnType<typeof loadGraphModel>>;
	try {
		model = await loadGraphModel(tf.io.fromMemory({ ...artifacts, weightSpecs: artifacts.weightSpecs as tf.io.WeightsManifestEntry[] } as tf.io.ModelArtifacts));
	} catch (error) {
		throw refused(fileName, 'TensorFlow.js', error);
	}
	const shapes = signatureShapes(artifacts.signature);
	const unshaped: string[] = [];
	const spec = (info: tf.ModelTensorInfo) => {
		const shape = info.shape ?? shapes.get(info.name);
		if (!shape) unshaped.push(info.name);
		// An unknown rank is shown as one unknown size rather than as a scalar.
		return tfjsSpec(info.name, info.dtype ?? 'float32', (shape ?? [-1]).map((d) => (d < 0 ? null : d)));
	};
	const signature: ModelSignature = { format: 'tfjs-graph', fileName, bytes, inputs: model.inputs.map(spec), outputs: model.outputs.map(spec), notes: [] };
	if (signature.inputs.length === 0) throw new KilnError('ModelFormatError', `"${fileName}" has no inputs to feed.`);
	if (unshaped.length) signature.notes.push(`The graph does not record the shape of ${unshaped.map((name) => `"${name}"`).join(', ')}; feed values in the shape the model was built for.`);
	return {
		signature,
		runtime: 'tfjs',
		async run(feeds) {
			const inputs: tf.NamedTensorMap = {};
			for (const feed of feeds) inputs[feed.name] = tensorOf(feed);
			let outs: tf.Tensor[];
			try {
				const out = await model.executeAsync(inputs, model.outputNodes);
				outs = Array.isArray(out) ? out : [out];
			} catch (error) {
				throw new KilnError('ValidationError', `TensorFlow.js refused the input for "${fileName}": ${errorMessage(error)}`);
			} finally {
				tf.dispose(Object.values(inputs));
			}
			return readOutputs(outs, signature);
		},
		dispose: async () => {
			model.dispose();
		}
	};
}

/** Split a batch into single items along axis 0. */
function item(feed: Feed, i: number): Feed {
	const per = feed.data.length / feed.dims[0];
	return { ...feed, dims: [1, ...feed.dims.slice(1)], data: feed.data.slice(i * per, (i + 1) * per) as Feed['data'] };
}

/**
 * Run feeds, item by item when the model fixes its batch at 1 but several items came (a CSV, a
 * stack of rows), joining the outputs along the batch axis.
 */
export async function predict(model: LoadedModel, feeds: Feed[]): Promise<OutputTensor[]> {
	const batch = feeds[0]?.dims[0] ?? 1;
	const fixedOne = model.signature.inputs.every((s) => s.dims[0] === 1);
	if (!fixedOne || batch <= 1 || feeds.some((f) => f.dims[0] !== batch)) return model.run(feeds);
	const parts: OutputTensor[][] = [];
	for (let i = 0; i < batch; i++) parts.push(await model.run(feeds.map((f) => item(f, i))));
	return parts[0].map((first, o) => {
		const values = new Float64Array(parts.reduce((n, p) => n + p[o].values.length, 0));
		parts.reduce((at, p) => (values.set(p[o].values, at), at + p[o].values.length), 0);
		const texts = first.texts ? parts.flatMap((p) => p[o].texts ?? []) : undefined;
		return { ...first, dims: [batch, ...first.dims.slice(1)], values, ...(texts ? { texts } : {}) };
	});
}

/**
 * Median milliseconds of one run after `warmup` untimed runs: `repeats` runs, fewer when they
 * pass `budgetMs` (at least 3), so a big model on a slow backend still answers.
 */
export async function medianLatency(model: LoadedModel, feeds: Feed[], options: { warmup?: number; repeats?: number; budgetMs?: number } = {}): Promise<{ medianMs: number; runs: number }> {
	const { warmup = 3, repeats = 20, budgetMs = 4000 } = options;
	for (let i = 0; i < warmup; i++) await model.run(feeds);
	const times: number[] = [];
	const start = performance.now();
	while (times.length < repeats && (times.length < 3 || performance.now() - start < budgetMs)) {
		const t0 = performance.now();
		await model.run(feeds);
		times.push(performance.now() - t0);
	}
	times.sort((a, b) => a - b);
	const mid = times.length >> 1;
	return { medianMs: times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2, runs: times.length };
}
