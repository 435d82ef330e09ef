import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-web';
import { KilnError, errorMessage } from '$shared/errors';
import type { OrtRuntime } from '$workers/lib/ship/types';
import type { LayersArtifacts } from './model-files';
import { onnxSignature, tfjsSpec } from './signature';
import { toNumbers } from './interpret';
import type { Feed, ModelSignature, OutputTensor } from './types';

/** A model ready to run in one runtime; `run` takes feeds in the signature's input order. */
export interface LoadedModel {
	signature: ModelSignature;
	runtime: 'ort' | 'tfjs';
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
			const inputs = feeds.map((f) => tf.tensor(f.data instanceof BigInt64Array ? toNumbers(f.data) : f.data, f.dims, f.type === 'bool' ? 'bool' : f.type.startsWith('float') ? 'float32' : 'int32'));
			let outs: tf.Tensor[];
			try {
				const out = model.predict(inputs.length === 1 ? inputs[0] : inputs);
				outs = Array.isArray(out) ? out : [out];
			} catch (error) {
				throw new KilnError('ValidationError', `TensorFlow.js refused the input for "${fileName}": ${errorMessage(error)}`);
			} finally {
				tf.dispose(inputs);
			}
			try {
				return await Promise.all(outs.map(async (t, i) => ({ name: signature.outputs[i]?.name ?? `output ${i + 1}`, type: t.dtype, dims: [...t.shape], values: toNumbers((await t.data()) as ArrayLike<number>) })));
			} finally {
				tf.dispose(outs);
			}
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
