import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { serializeModel } from '$workers/lib/model';
import { buildCnn } from '$workers/lib/vision/cnn';
import { predictProbabilities } from '$workers/lib/vision/evaluate';
import { cnnPreset } from '$workers/lib/vision/presets';
import { trainCnn } from '$workers/lib/vision/train-cnn';
import type { CnnSpec } from '$workers/lib/vision/types';
import { loadImageSet, slice } from '$workers/lib/vision/vision.spec-support';
import { describeImageModel } from './convert-image';
import { createPredictor } from './runtime';
import { convRuntime } from './runtime-conv';
import { useCpu } from './share.spec-support';
import type { ModelArtifacts } from '$workers/protocol';

beforeAll(useCpu);

/** Probabilities of `count` images through the front + dense head, as the demo page computes them. */
function shareProbabilities(artifacts: ModelArtifacts, images: Uint8Array, count: number, weights: 'float32' | 'int8'): Float32Array {
	const { front, head } = describeImageModel(artifacts, weights);
	const features = convRuntime.createImageFeatures(front);
	const prep = { features: [], target: { name: 'class', task: 'classification' as const, classes: Array.from({ length: head.outputSize }, (_, i) => String(i)) }, inputSize: head.inputSize };
	const predictor = createPredictor(head, prep);
	const size = images.length / count;
	const out = new Float32Array(count * head.outputSize);
	for (let i = 0; i < count; i++) {
		const x = features(images.subarray(i * size, (i + 1) * size));
		const logits = predictor.outputs(x, 1);
		const e = Array.from(logits, (v) => Math.exp(v - Math.max(...logits)));
		const sum = e.reduce((a, b) => a + b, 0);
		out.set(e.map((v) => v / sum), i * head.outputSize);
	}
	return out;
}

function argmax(v: Float32Array, from: number, k: number): number {
	let best = 0;
	for (let j = 1; j < k; j++) if (v[from + j] > v[from + best]) best = j;
	return best;
}

/** A spec with every layer kind the front runs: strided same conv, separable, depthwise, avg/max pools, batch-norm, relu6. */
const MIXED: CnnSpec = {
	input: { height: 28, width: 28, channels: 1 },
	classes: 10,
	layers: [
		{ type: 'conv2d', filters: 6, kernel: 3, stride: 2, activation: 'relu' },
		{ type: 'batchNorm' },
		{ type: 'separableConv2d', filters: 8, kernel: [3, 2], activation: 'elu' },
		{ type: 'avgPool', size: 2, padding: 'same' },
		{ type: 'depthwiseConv2d', kernel: 3, padding: 'valid', activation: 'relu6', depthMultiplier: 2 },
		{ type: 'maxPool', size: 3, stride: 2, padding: 'same' },
		{ type: 'activation', activation: 'tanh' },
		{ type: 'flatten' },
		{ type: 'dense', units: 12, activation: 'relu' },
		{ type: 'dropout', rate: 0.3 }
	]
};

describe('image share runtime against tfjs', () => {
	const set = () => loadImageSet('digits-28.kimg.gz');

	// Trained briefly where batch-norm statistics matter; the small preset (no batch-norm) keeps its
	// seeded initial weights, as training its 1600×128 dense layer took a minute on the shared CPU.
	for (const [name, spec, train] of [
		['mixed layers', MIXED, true],
		['tiny preset (global pooling)', cnnPreset('tiny', { height: 28, width: 28, channels: 1 }, 10), true],
		['small preset (seeded weights)', cnnPreset('small', { height: 28, width: 28, channels: 1 }, 10), false]
	] as const) {
		it(`${name}: same top-1 and probabilities within 1e-4 (float32), int8 as tfjs runs the int8 weights`, async () => {
			const { source, labels } = slice(set(), 0, 64);
			const trained = train ? await trainCnn(spec, source, labels, { epochs: 1, batchSize: 32, lr: 0.002, seed: 3 }) : { model: await seeded(spec) };
			const model = (await tfl.loadLayersModel(tf.io.fromMemory(trained.model))) as tfl.LayersModel;
			const test = slice(set(), 1000, 1012);
			const images = await test.source.getBatch(Int32Array.from({ length: 12 }, (_, i) => i));
			const kiln = await predictProbabilities(model, images, 12);
			const ours = shareProbabilities(trained.model, images, 12, 'float32');
			let maxDiff = 0;
			for (let i = 0; i < kiln.length; i++) maxDiff = Math.max(maxDiff, Math.abs(kiln[i] - ours[i]));
			for (let r = 0; r < 12; r++) expect(argmax(ours, r * 10, 10)).toBe(argmax(kiln, r * 10, 10));
			expect(maxDiff).toBeLessThan(1e-4);

			// int8: Kiln running the same dequantised weights (tfjs) against the share runtime.
			const { front, head } = describeImageModel(trained.model, 'int8');
			expect(front.layers.some((l) => (l.type === 'conv' || l.type === 'depthwise') && l.kernel.dtype === 'int8')).toBe(true);
			expect(head.layers.every((l) => l.type !== 'dense' || l.kernel.dtype === 'int8')).toBe(true);
			const int8 = shareProbabilities(trained.model, images, 12, 'int8');
			const dequantised = await tfl.loadLayersModel(tf.io.fromMemory(dequantisedArtifacts(trained.model)));
			const kiln8 = await predictProbabilities(dequantised, images, 12);
			let maxDiff8 = 0;
			for (let i = 0; i < kiln8.length; i++) maxDiff8 = Math.max(maxDiff8, Math.abs(kiln8[i] - int8[i]));
			for (let r = 0; r < 12; r++) expect(argmax(int8, r * 10, 10)).toBe(argmax(kiln8, r * 10, 10));
			expect(maxDiff8).toBeLessThan(1e-4);
			console.log(`${name}: float32 max |Δp| ${maxDiff.toExponential(2)}, int8 max |Δp| ${maxDiff8.toExponential(2)}`);
			model.dispose();
			dequantised.dispose();
		}, 60_000);
	}

	it('refuses a layer it cannot run, naming it', async () => {
		const model = buildCnn({ input: { height: 8, width: 8, channels: 1 }, classes: 2, layers: [{ type: 'conv2d', filters: 2, kernel: 3 }, { type: 'flatten' }] }, 1);
		const artifacts = await serializeModel(model);
		const topology = structuredClone(artifacts.modelTopology) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
		topology.config.layers[0].config.dilation_rate = [2, 2];
		expect(() => describeImageModel({ ...artifacts, modelTopology: topology })).toThrow(/dilated/);
		model.dispose();
	});
});

async function seeded(spec: CnnSpec): Promise<ModelArtifacts> {
	const model = buildCnn(spec, 3);
	const artifacts = await serializeModel(model);
	model.dispose();
	return artifacts;
}

/** The artifacts with every kernel replaced by its int8 round trip (what the link carries). */
function dequantisedArtifacts(artifacts: ModelArtifacts): ModelArtifacts {
	const data = new Float32Array(artifacts.weightData.slice(0));
	let offset = 0;
	for (const spec of artifacts.weightSpecs) {
		const size = spec.shape.reduce((a, b) => a * b, 1);
		if (/(kernel|depthwise_kernel|pointwise_kernel)$/.test(spec.name)) {
			const units = spec.name.endsWith('depthwise_kernel') ? spec.shape[2] * spec.shape[3] : spec.shape[spec.shape.length - 1];
			const part = data.subarray(offset, offset + size);
			const scales = new Float32Array(units);
			part.forEach((v, i) => (scales[i % units] = Math.max(scales[i % units], Math.abs(v))));
			for (let i = 0; i < part.length; i++) {
				const s = scales[i % units] / 127;
				part[i] = s > 0 ? Math.max(-127, Math.min(127, Math.round(part[i] / s))) * s : 0;
			}
		}
		offset += size;
	}
	return { ...artifacts, weightData: data.buffer };
}
