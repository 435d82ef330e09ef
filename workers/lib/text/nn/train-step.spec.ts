import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { relativeError, useBackend } from '$workers/lib/kernels/wasm.spec-support';
import type { TextModelConfig } from './config';
import { setFusedTextKernels } from './layers';
import { sentimentTask, VOCAB } from './synthetic.spec-support';
import { TextModel } from './text-model';
import { makeTextTrainStep } from './train-step';

/**
 * The fused step (Kiln's attention and layer-norm kernels, one clipping kernel, one Adam kernel)
 * against tfjs autodiff, tfjs's clipping and tfjs's Adam on the cpu backend, on seeded synthetic
 * texts with padding, for a classifier and a tagger.
 */
const T = 12;
const config: TextModelConfig = { task: 'sequence', family: 'transformer', vocabularySize: VOCAB, classes: 2, maxLength: T, embeddingDim: 16, trainEmbedding: true, dropout: 0, seed: 5, layers: 2, heads: 4, ffDim: 32 };
type Task = 'sequence' | 'token';

function batch(s: number, task: Task): [tf.Tensor2D, tf.Tensor] {
	const data = sentimentTask(64, T, 11);
	const rows = data.train.subarray(s * 16, s * 16 + 16);
	const ids = new Int32Array(rows.length * T);
	rows.forEach((r, i) => ids.set(data.ids.subarray(r * T, (r + 1) * T), i * T));
	const x = tf.tensor2d(ids, [rows.length, T], 'int32');
	const y = task === 'token' ? tf.tensor2d(Int32Array.from(ids, (id) => (id === 0 ? -1 : id % 3)), [rows.length, T], 'int32') : tf.tensor1d(Int32Array.from(rows, (r) => data.labels[r]), 'int32');
	return [x, y];
}

const modelFor = (task: Task) => new TextModel({ ...config, task, classes: task === 'token' ? 3 : 2 });

async function gradients(backend: 'cpu' | 'wasm', fused: boolean, task: Task): Promise<Float32Array> {
	await useBackend(backend);
	setFusedTextKernels(fused);
	const model = modelFor(task);
	const [x, y] = batch(0, task);
	const { value, grads } = tf.variableGrads(() => model.loss(model.forward(x, { training: true }).logits, y), model.params.trainable());
	const flat = tf.concat(model.params.trainable().map((v) => tf.reshape(grads[v.name], [-1])));
	const out = (await flat.data()) as Float32Array;
	tf.dispose([x, y, value, flat, ...Object.values(grads)]);
	model.dispose();
	return out;
}

/*
 * The key projection's bias has an exactly-zero gradient (it adds the same number to every key's
 * score in a row, and softmax ignores that), so both sides hold rounding noise there, which Adam's
 * normalisation turns into ±lr steps of either sign: those weights and moments are left out below.
 */
const noise = /attn\/k\/b/;

async function train(backend: 'cpu' | 'wasm', fused: boolean, clipNorm: number, task: Task) {
	await useBackend(backend);
	setFusedTextKernels(fused);
	const model = modelFor(task);
	const optimizer = tf.train.adam(0.01);
	const step = makeTextTrainStep(model, optimizer, clipNorm, fused);
	const losses: number[] = [];
	let tensors = 0;
	for (let s = 0; s < 4; s++) {
		const [x, y] = batch(s, task);
		const loss = step(x, y, 0);
		losses.push((await loss.data())[0]);
		tf.dispose([x, y, loss]);
		// After the first step (which makes Adam's moments) a step leaves no tensor behind.
		if (s === 1) tensors = tf.memory().numTensors;
		if (s > 1) expect(tf.memory().numTensors).toBe(tensors);
	}
	const all = new Float32Array(await model.params.snapshot());
	const weights = model.params.specs().flatMap((spec, i, specs) => {
		const at = specs.slice(0, i).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
		return noise.test(spec.name) ? [] : [all.subarray(at, at + spec.shape.reduce((a, b) => a * b, 1))];
	});
	const state = (await optimizer.getWeights()).filter((s) => !noise.test(s.name));
	const moments = await Promise.all(state.map((s) => s.tensor.data() as Promise<Float32Array>));
	tf.dispose(state.map((s) => s.tensor));
	optimizer.dispose();
	model.dispose();
	// Variable names carry the model's instance number; the rest must match.
	return { losses, weights, moments, names: state.map((s) => s.name.replace(/^text-model-\d+\//, '')) };
}

afterEach(() => setFusedTextKernels(true));

describe('fused text training step', () => {
	it.each(['sequence', 'token'] as const)('%s: the gradients of every weight equal tfjs autodiff within 1e-5, on cpu and wasm', async (task) => {
		const reference = await gradients('cpu', false, task);
		for (const backend of ['cpu', 'wasm'] as const) expect(relativeError(await gradients(backend, true, task), reference)).toBeLessThan(1e-5);
	});

	it.each([
		[0.05, 'sequence'],
		[0, 'token']
	] as const)('clip %s (%s): four steps give the weights, Adam moments and losses of tfjs (autodiff, clipping, Adam) within 1e-4, on cpu and wasm', async (clip, task) => {
		const reference = await train('cpu', false, clip, task);
		for (const backend of ['cpu', 'wasm'] as const) {
			const fused = await train(backend, true, clip, task);
			expect(fused.names).toEqual(reference.names);
			// Adam divides each gradient by its own running size, so gradients that agree within ~2e-6
			// (above) move tiny-gradient weights apart by up to ~1e-5 of a variable's scale in four steps.
			fused.weights.forEach((w, i) => expect(relativeError(w, reference.weights[i])).toBeLessThan(1e-4));
			fused.moments.forEach((m, i) => expect(relativeError(m, reference.moments[i])).toBeLessThan(1e-4));
			fused.losses.forEach((l, i) => expect(Math.abs(l - reference.losses[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(reference.losses[i]))));
		}
	});
});
