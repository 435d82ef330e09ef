import * as tf from '@tensorflow/tfjs-core';
import type { ModelArtifacts } from '$workers/protocol';
import type { OrtRuntime, RuntimeMeasurement } from '$workers/lib/ship/types';
import { deflatedSize, tfjsFiles, timeMedian } from '$workers/lib/ship/measure';
import { loadTextModel } from '../nn/serialise';
import { dequantised } from './text-weights';

/**
 * One text network variant measured on the run's holdout token ids, in tfjs (Kiln's own network,
 * as the studio predicts) and in ONNX Runtime (int64 ids in, probabilities out): accuracy, files
 * raw and deflated, median batch-1 and batch-256 latency after warm-up. The table rows of
 * table and image runs measure the same quantities (measure.ts); only the input differs.
 */
export interface TextHoldout {
	/** Row-major [n × maxLength] token ids, 0 after the last token. */
	ids: Int32Array;
	y: Int32Array;
	maxLength: number;
}

export interface TextMeasureOptions {
	ort: OrtRuntime;
	ortBackend: string;
	repeats: number;
	warmup: number;
}

function firstRows(ids: Int32Array, t: number, n: number): Int32Array {
	const rows = ids.length / t;
	const out = new Int32Array(n * t);
	for (let i = 0; i < n; i++) out.set(ids.subarray((i % rows) * t, ((i % rows) + 1) * t), i * t);
	return out;
}

function accuracy(probabilities: Float32Array, y: Int32Array): number {
	const k = probabilities.length / y.length;
	let right = 0;
	for (let r = 0; r < y.length; r++) {
		let best = 0;
		for (let j = 1; j < k; j++) if (probabilities[r * k + j] > probabilities[r * k + best]) best = j;
		if (best === y[r]) right++;
	}
	return right / y.length;
}

async function inBatches(count: number, t: number, ids: Int32Array, predict: (ids: Int32Array, n: number) => Promise<Float32Array>): Promise<Float32Array> {
	const parts: Float32Array[] = [];
	for (let start = 0; start < count; start += 256) {
		const n = Math.min(256, count - start);
		parts.push(await predict(ids.subarray(start * t, (start + n) * t), n));
	}
	const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
	parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
	return out;
}

/** `stored` is what the tfjs files hold (the network topology, weights possibly quantised). */
export async function measureTextTfjs(stored: ModelArtifacts, holdout: TextHoldout, options: TextMeasureOptions): Promise<RuntimeMeasurement> {
	const files = tfjsFiles(stored);
	const model = loadTextModel(dequantised(stored));
	const t = holdout.maxLength;
	try {
		const predict = async (ids: Int32Array, n: number) => {
			const p = tf.tidy(() => tf.softmax(model.forward(tf.tensor2d(ids, [n, t], 'int32'), { training: false }).logits));
			const data = (await p.data()) as Float32Array;
			p.dispose();
			return data;
		};
		const all = await inBatches(holdout.y.length, t, holdout.ids, predict);
		const one = firstRows(holdout.ids, t, 1);
		const many = firstRows(holdout.ids, t, 256);
		return {
			runtime: 'tfjs',
			backend: tf.getBackend(),
			fileBytes: files.json.length + files.weights.length,
			deflatedBytes: deflatedSize(files.json) + deflatedSize(files.weights),
			metric: accuracy(all, holdout.y),
			batch1Ms: await timeMedian(() => predict(one, 1), options.warmup, options.repeats),
			batch256Ms: await timeMedian(() => predict(many, 256), options.warmup, Math.max(3, Math.round(options.repeats / 3)))
		};
	} finally {
		model.dispose();
	}
}

export async function measureTextOnnx(onnx: Uint8Array, holdout: TextHoldout, options: TextMeasureOptions): Promise<RuntimeMeasurement> {
	const { ort } = options;
	const session = await ort.InferenceSession.create(onnx);
	const t = holdout.maxLength;
	try {
		const input = session.inputNames[0];
		const predict = async (ids: Int32Array, n: number) => {
			const result = await session.run({ [input]: new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [n, t]) }, ['probabilities']);
			return Float32Array.from(result.probabilities.data as Float32Array);
		};
		const all = await inBatches(holdout.y.length, t, holdout.ids, predict);
		const one = firstRows(holdout.ids, t, 1);
		const many = firstRows(holdout.ids, t, 256);
		return {
			runtime: 'onnxruntime',
			backend: options.ortBackend,
			fileBytes: onnx.length,
			deflatedBytes: deflatedSize(onnx),
			metric: accuracy(all, holdout.y),
			batch1Ms: await timeMedian(() => predict(one, 1), options.warmup, options.repeats),
			batch256Ms: await timeMedian(() => predict(many, 256), options.warmup, Math.max(3, Math.round(options.repeats / 3)))
		};
	} finally {
		await session.release();
	}
}
