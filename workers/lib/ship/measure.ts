import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { deflateSync } from 'fflate';
import type { InferenceSession } from 'onnxruntime-web';
import type { ModelArtifacts } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { deserializeModel } from '$workers/lib/model';
import { countOnnxParams } from './onnx-params';
import { weightStats } from './prune-stats';
import type { Measurement, MeasureOptions, RuntimeMeasurement } from './types';

/**
 * One row of the compression trade-off table, measured rather than estimated: file size raw and
 * deflated, parameters and non-zeros, the holdout metric, and median batch-1 / batch-256 latency
 * (after warm-up) on tfjs (the current backend) and on onnxruntime.
 */

const encoder = new TextEncoder();

/** The two files tfjs saves: model.json (topology + manifest) and the weight binary. */
export function tfjsFiles(artifacts: ModelArtifacts): { json: Uint8Array; weights: Uint8Array } {
	const json = JSON.stringify({ format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] });
	return { json: encoder.encode(json), weights: new Uint8Array(artifacts.weightData) };
}

/** Deflate at level 9 (fflate), the compression share links and bundles use. */
export const deflatedSize = (bytes: Uint8Array) => deflateSync(bytes, { level: 9 }).length;

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rows [0, n) of x, repeating from the top when x has fewer rows. */
function firstRows(x: Float32Array, width: number, n: number): Float32Array {
	const rows = x.length / width;
	const out = new Float32Array(n * width);
	for (let i = 0; i < n; i++) out.set(x.subarray((i % rows) * width, ((i % rows) + 1) * width), i * width);
	return out;
}

/** Median milliseconds of `repeats` runs after `warmup` untimed ones. */
export async function timeMedian(run: () => Promise<unknown>, warmup: number, repeats: number): Promise<number> {
	for (let i = 0; i < warmup; i++) await run();
	const times: number[] = [];
	for (let i = 0; i < repeats; i++) {
		const start = performance.now();
		await run();
		times.push(performance.now() - start);
	}
	return median(times);
}

function score(out: Float32Array, y: Int32Array | Float32Array, classification: boolean, targetStd: number): number {
	const rows = y.length;
	if (classification) {
		const width = out.length / rows;
		let right = 0;
		for (let r = 0; r < rows; r++) {
			let best = 0;
			for (let c = 1; c < width; c++) if (out[r * width + c] > out[r * width + best]) best = c;
			if (best === y[r]) right++;
		}
		return right / rows;
	}
	let se = 0;
	for (let i = 0; i < y.length; i++) se += (out[i] - y[i]) ** 2;
	return Math.sqrt(se / y.length) * targetStd;
}

async function measureTfjs(artifacts: ModelArtifacts, options: MeasureOptions, classification: boolean): Promise<RuntimeMeasurement> {
	const files = tfjsFiles(artifacts);
	const model: tfl.LayersModel = await deserializeModel(artifacts);
	try {
		const shape = model.inputs[0].shape.slice(1) as number[];
		const width = shape.reduce((a, b) => a * b, 1);
		const rows = options.x.length / width;
		const predict = async (x: Float32Array, n: number): Promise<Float32Array> => {
			const out = tf.tidy(() => model.predict(tf.tensor(x, [n, ...shape])) as tf.Tensor);
			const data = (await out.data()) as Float32Array;
			out.dispose();
			return data;
		};
		const outputs: Float32Array[] = [];
		for (let start = 0; start < rows; start += 256) {
			const n = Math.min(256, rows - start);
			outputs.push(await predict(options.x.subarray(start * width, (start + n) * width), n));
		}
		const all = new Float32Array(outputs.reduce((n, o) => n + o.length, 0));
		outputs.reduce((offset, o) => (all.set(o, offset), offset + o.length), 0);
		const one = firstRows(options.x, width, 1);
		const many = firstRows(options.x, width, 256);
		return {
			runtime: 'tfjs',
			backend: tf.getBackend(),
			fileBytes: files.json.length + files.weights.length,
			deflatedBytes: deflatedSize(files.json) + deflatedSize(files.weights),
			metric: score(all, options.y, classification, options.targetStd ?? 1),
			batch1Ms: await timeMedian(() => predict(one, 1), options.warmup ?? 5, options.repeats ?? 30),
			batch256Ms: await timeMedian(() => predict(many, 256), options.warmup ?? 5, Math.max(3, Math.round((options.repeats ?? 30) / 3)))
		};
	} finally {
		model.dispose();
	}
}

async function measureOnnx(bytes: Uint8Array, options: MeasureOptions, classification: boolean): Promise<RuntimeMeasurement> {
	const ort = options.ort;
	if (!ort) throw new KilnError('ValidationError', 'Measuring an ONNX model needs the onnxruntime module (options.ort).');
	const session: InferenceSession = options.session ?? (await ort.InferenceSession.create(bytes));
	try {
		const inputName = session.inputNames[0];
		const outputName = options.onnxOutput ?? (session.outputNames.includes('probabilities') ? 'probabilities' : session.outputNames[0]);
		// one label (or one regression target) per row
		const shape = options.rowShape ?? [options.x.length / options.y.length];
		const width = shape.reduce((a, b) => a * b, 1);
		const rows = options.x.length / width;
		const run = async (x: Float32Array, n: number): Promise<Float32Array> => {
			const result = await session.run({ [inputName]: new ort.Tensor('float32', x, [n, ...shape]) }, [outputName]);
			return result[outputName].data as Float32Array;
		};
		const all: number[] = [];
		for (let start = 0; start < rows; start += 256) {
			const n = Math.min(256, rows - start);
			for (const v of await run(options.x.slice(start * width, (start + n) * width), n)) all.push(v);
		}
		const one = firstRows(options.x, width, 1);
		const many = firstRows(options.x, width, 256);
		return {
			runtime: 'onnxruntime',
			backend: options.ortBackend ?? 'wasm',
			fileBytes: bytes.length,
			deflatedBytes: deflatedSize(bytes),
			metric: score(Float32Array.from(all), options.y, classification, options.targetStd ?? 1),
			batch1Ms: await timeMedian(() => run(one, 1), options.warmup ?? 5, options.repeats ?? 30),
			batch256Ms: await timeMedian(() => run(many, 256), options.warmup ?? 5, Math.max(3, Math.round((options.repeats ?? 30) / 3)))
		};
	} finally {
		if (!options.session) await session.release();
	}
}

/** Measure a model variant: tfjs artifacts, an ONNX file, or both (one row of the table). */
export async function measureModel(options: MeasureOptions): Promise<Measurement> {
	const { artifacts, onnx } = options;
	if (!artifacts && !onnx) throw new KilnError('ValidationError', 'Give tfjs artifacts, an ONNX file, or both to measure.');
	if (options.y.length === 0) throw new KilnError('ValidationError', 'Measuring needs at least one holdout row.');
	const classification = (options.task ?? (options.y instanceof Int32Array ? 'classification' : 'regression')) === 'classification';
	const counts = artifacts ? weightStats(artifacts) : countOnnxParams(onnx!);
	return {
		params: counts.params,
		nonZero: counts.nonZero,
		metricName: classification ? 'accuracy' : 'rmse',
		...(artifacts ? { tfjs: await measureTfjs(artifacts, options, classification) } : {}),
		...(onnx ? { onnx: await measureOnnx(onnx, options, classification) } : {})
	};
}
