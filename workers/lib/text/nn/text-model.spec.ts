import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { JobEvent, TrainCheckpoint } from '$workers/protocol';
import { isKind } from '$shared/errors';
import { useCpu } from '../../../../tests/unit-support';
import { attentionMaps, gradientTimesInput, integratedGradients } from './attributions';
import type { TextModelConfig, TextTask } from './config';
import { loadTextModel, serialiseTextModel } from './serialise';
import { sentimentTask, taggingTask, BAD, GOOD, VOCAB } from './synthetic.spec-support';
import { TextModel } from './text-model';
import { evaluateText, trainTextModel, type TextTrainConfig } from './train-text';

beforeAll(useCpu);

const T = 12;
const base = { vocabularySize: VOCAB, classes: 2, maxLength: T, embeddingDim: 8, trainEmbedding: true, dropout: 0, seed: 5 };
const configs = (task: TextTask, classes: number): TextModelConfig[] => [
	{ ...base, task, classes, family: 'embedding-bag', hidden: 8 },
	{ ...base, task, classes, family: 'cnn', filters: 8, kernelSizes: [3] },
	{ ...base, task, classes, family: 'rnn', cell: 'lstm', units: 8, bidirectional: false },
	{ ...base, task, classes, family: 'rnn', cell: 'gru', units: 8, bidirectional: true },
	{ ...base, task, classes, family: 'transformer', layers: 2, heads: 2, ffDim: 16 }
];
const train: TextTrainConfig = { epochs: 6, batchSize: 32, learningRate: 0.03, patience: 0, clipNorm: 5, seed: 1 };
const label = (c: TextModelConfig) => (c.family === 'rnn' ? `${c.family}-${c.cell}${c.bidirectional ? '-bi' : ''}` : c.family);

async function logits(model: TextModel, ids: Int32Array): Promise<Float32Array> {
	const out = tf.tidy(() => model.forward(tf.tensor2d(ids, [ids.length / T, T], 'int32'), { training: false }).logits);
	const data = (await out.data()) as Float32Array;
	out.dispose();
	return data;
}

describe('each family learns a seeded synthetic task', () => {
	const data = sentimentTask(240, T, 11);
	for (const config of configs('sequence', 2)) {
		it(`${label(config)}: text classification ≥ 0.9 on held-out texts`, async () => {
			const model = new TextModel(config);
			await trainTextModel(model, data, train);
			const { accuracy } = await evaluateText(model, data, data.validation);
			model.dispose();
			expect(accuracy).toBeGreaterThanOrEqual(0.9);
		});
	}

	const tags = taggingTask(160, T, 12);
	const sentenceTags = taggingTask(160, T, 12, 'sentence');
	for (const config of configs('token', 3).filter((c) => c.family !== 'embedding-bag')) {
		// Recurrent and convolutional taggers read neighbours; the transformer's task needs the whole
		// sentence (learning "the previous position" from position embeddings takes it far longer).
		const transformer = config.family === 'transformer';
		it(`${label(config)}: token tagging that needs ${transformer ? 'the whole sentence' : 'the previous token'} ≥ 0.9`, async () => {
			const model = new TextModel(transformer ? { ...config, embeddingDim: 16, ffDim: 32 } : config);
			const set = transformer ? sentenceTags : tags;
			await trainTextModel(model, set, { ...train, epochs: transformer ? 12 : 8 });
			const { accuracy } = await evaluateText(model, set, set.validation);
			model.dispose();
			expect(accuracy).toBeGreaterThanOrEqual(0.9);
		});
	}
});

describe('transformer attention masking', () => {
	it('never attends to padding: other padded ids, identical outputs and zero weights on padding', async () => {
		for (const task of ['sequence', 'token'] as const) {
			const model = new TextModel({ ...base, task, family: 'transformer', layers: 2, heads: 4, ffDim: 32 });
			const a = Int32Array.from([7, 8, GOOD, 9, 0, 0, 0, 0, 0, 0, 0, 0]);
			const b = Int32Array.from([7, 8, GOOD, 9, 0, 0, 0, 0, 0, 0, 0, 0]);
			b.fill(0);
			b.set([7, 8, GOOD, 9]);
			const withGarbage = tf.tidy(() => {
				// Embeddings of random ids at the padded positions, the mask still saying "padding".
				const ids = tf.tensor2d(Int32Array.from([7, 8, GOOD, 9, 12, 13, 14, 15, 16, 17, 18, 19]), [1, T], 'int32');
				const mask = tf.tensor2d([[1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]]);
				return model.fromEmbeddings(model.embed(ids), mask, { training: false }).logits;
			});
			const garbage = (await withGarbage.data()) as Float32Array;
			withGarbage.dispose();
			const clean = await logits(model, a);
			const real = task === 'sequence' ? clean.length : 4 * 2;
			expect(Array.from(garbage.subarray(0, real))).toEqual(Array.from(clean.subarray(0, real)));
			// Control: the same garbage counted as tokens does change the outputs, so the check can fail.
			const unmasked = await logits(model, Int32Array.from([7, 8, GOOD, 9, 12, 13, 14, 15, 16, 17, 18, 19]));
			expect(Array.from(unmasked.subarray(0, real))).not.toEqual(Array.from(clean.subarray(0, real)));
			const maps = await attentionMaps(model, a);
			expect(maps.length).toBe(4);
			expect(maps.importance.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
			const full = tf.tidy(() => model.forward(tf.tensor2d(a, [1, T], 'int32'), { training: false, attention: true }).attention[1]);
			const w = (await full.data()) as Float32Array;
			full.dispose();
			for (let h = 0; h < 4; h++) for (let q = 0; q < T; q++) for (let k = 4; k < T; k++) expect(w[h * T * T + q * T + k]).toBe(0);
			model.dispose();
		}
	});
});

describe('attributions, serialisation, checkpoints, cancellation', () => {
	const data = sentimentTask(240, T, 11);

	it('gradient × input and integrated gradients point at the words that decide the class', async () => {
		const good = Int32Array.from([9, GOOD, 12, 20, 0, 0, 0, 0, 0, 0, 0, 0]);
		const bad = Int32Array.from([9, BAD, 12, 20, 0, 0, 0, 0, 0, 0, 0, 0]);
		const strongest = (a: Float32Array) => Array.from(a).map(Math.abs).indexOf(Math.max(...Array.from(a).map(Math.abs)));
		const bag = new TextModel(configs('sequence', 2)[0]);
		await trainTextModel(bag, data, train);
		const toward = await gradientTimesInput(bag, good, 1);
		expect(strongest(toward)).toBe(1);
		expect(toward[1]).toBeGreaterThan(0);
		expect(Array.from(toward.subarray(4))).toEqual(new Array(8).fill(0));
		expect((await gradientTimesInput(bag, bad, 1))[1]).toBeLessThan(0);
		bag.dispose();
		// The transformer's layer norms make gradient × input unreliable; integrated gradients are not.
		// They explain relative to a baseline (all-zero embeddings), which this model already reads as
		// positive: so the informative case is the negative text, where BAD must carry the change.
		const transformer = new TextModel(configs('sequence', 2)[4]);
		await trainTextModel(transformer, data, train);
		const ig = await integratedGradients(transformer, bad, 0);
		expect(strongest(ig.attributions)).toBe(1);
		expect(ig.attributions[1]).toBeGreaterThan(0);
		expect((await integratedGradients(transformer, bad, 1)).attributions[1]).toBeLessThan(0);
		// Completeness: the attributions add up to score − baseline score, up to the midpoint rule's
		// error, which is larger here because layer norm is steep near the all-zero baseline.
		for (const text of [good, bad]) {
			const r = await integratedGradients(transformer, text, 1, 64);
			const total = r.attributions.reduce((sum, v) => sum + v, 0);
			expect(Math.abs(total - (r.score - r.baseline))).toBeLessThan(0.15 * Math.abs(r.score - r.baseline) + 0.02);
		}
		transformer.dispose();
	});

	it('a serialised model predicts identically after a JSON-free round trip', async () => {
		for (const [i, config] of [...configs('sequence', 2), ...configs('token', 3)].entries()) {
			const model = new TextModel(config);
			if (i === 4) await trainTextModel(model, data, { ...train, epochs: 1 });
			const artifacts = await serialiseTextModel(model);
			const back = loadTextModel({ ...artifacts, modelTopology: JSON.parse(JSON.stringify(artifacts.modelTopology)), weightData: artifacts.weightData.slice(0) });
			expect(await logits(back, data.ids.subarray(0, 20 * T))).toEqual(await logits(model, data.ids.subarray(0, 20 * T)));
			model.dispose();
			back.dispose();
		}
		const model = new TextModel(configs('sequence', 2)[0]);
		const artifacts = await serialiseTextModel(model);
		model.dispose();
		expect(() => loadTextModel({ ...artifacts, weightSpecs: artifacts.weightSpecs.slice(1) })).toThrow(/do not match the model/);
		expect(() => loadTextModel({ ...artifacts, modelTopology: { format: 'x' } })).toThrow(/not a Kiln text model/);
	});

	it('resumes from a checkpoint to exactly the weights of an uninterrupted run (with dropout)', async () => {
		const config: TextModelConfig = { ...base, task: 'sequence', family: 'rnn', cell: 'gru', units: 8, bidirectional: false, dropout: 0.2 };
		const whole = new TextModel(config);
		await trainTextModel(whole, data, { ...train, epochs: 3 });
		const checkpoints: TrainCheckpoint[] = [];
		const first = new TextModel(config);
		await trainTextModel(first, data, { ...train, epochs: 3 }, { checkpointInterval: 0, onCheckpoint: (c) => void checkpoints.push(c), signal: abortAfterCheckpoint(checkpoints) }).catch((e) => expect(isKind(e, 'AbortError')).toBe(true));
		first.dispose();
		expect(checkpoints[0].epoch).toBe(1);
		const resumed = new TextModel(config);
		const result = await trainTextModel(resumed, data, { ...train, epochs: 3 }, { resume: checkpoints[0] });
		expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
		expect(new Float32Array(await resumed.params.snapshot())).toEqual(new Float32Array(await whole.params.snapshot()));
		whole.dispose();
		resumed.dispose();
	});

	it('resumes bit for bit after many Adam steps (its β powers travel with the checkpoint)', async () => {
		const config: TextModelConfig = { ...base, task: 'sequence', family: 'rnn', cell: 'gru', units: 8, bidirectional: false };
		const long = { ...train, epochs: 10, batchSize: 8, learningRate: 0.05 };
		const whole = new TextModel(config);
		await trainTextModel(whole, data, long);
		const checkpoints: TrainCheckpoint[] = [];
		const first = new TextModel(config);
		const stop = { get aborted() { return checkpoints.length > 6; } } as AbortSignal;
		await trainTextModel(first, data, long, { checkpointInterval: 0, onCheckpoint: (c) => void checkpoints.push(c), signal: stop }).catch((e) => expect(isKind(e, 'AbortError')).toBe(true));
		first.dispose();
		const resumed = new TextModel(config);
		await trainTextModel(resumed, data, long, { resume: checkpoints[6] });
		expect(new Float32Array(await resumed.params.snapshot())).toEqual(new Float32Array(await whole.params.snapshot()));
		whole.dispose();
		resumed.dispose();
	});

	it('streams progress and metric events, stops early with the best weights, honours cancellation', async () => {
		const events: JobEvent[] = [];
		const model = new TextModel({ ...configs('sequence', 2)[0] });
		const result = await trainTextModel(model, data, { ...train, epochs: 30, learningRate: 0.1, patience: 2 }, { onEvent: (e) => events.push(e), progressInterval: 0 });
		expect(events.some((e) => e.type === 'progress')).toBe(true);
		const metrics = events.filter((e) => e.type === 'metric');
		expect(metrics.length).toBe(result.history.length);
		expect(result.stoppedEarly).toBe(true);
		const bestLoss = Math.min(...result.history.map((h) => h.valLoss));
		expect(result.history[result.bestEpoch - 1].valLoss).toBe(bestLoss);
		expect((await evaluateText(model, data, data.validation)).loss).toBeCloseTo(bestLoss, 5);
		const controller = new AbortController();
		controller.abort();
		await expect(trainTextModel(model, data, train, { signal: controller.signal })).rejects.toThrow(/cancelled/);
		model.dispose();
	});
});

/** A signal that aborts once a checkpoint was handed over, as a closed tab would. */
function abortAfterCheckpoint(checkpoints: TrainCheckpoint[]): AbortSignal {
	return { get aborted() { return checkpoints.length > 0; } } as AbortSignal;
}
