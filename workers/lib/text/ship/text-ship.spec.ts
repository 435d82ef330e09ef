import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../../../tests/unit-support';
import { RUNTIMES } from '$workers/lib/ship/ort.spec-support';
import type { ModelArtifacts, VariantRow } from '$workers/protocol';
import type { Variant } from '$workers/lib/ship-run/variants';
import { encodeLabels } from '../labels';
import { predictTextLinear, trainTextLinear } from '../linear-text';
import type { TextModelConfig } from '../nn/config';
import { loadTextModel, serialiseTextModel } from '../nn/serialise';
import { sentimentTask, VOCAB } from '../nn/synthetic.spec-support';
import { TextModel } from '../nn/text-model';
import { trainTextModel } from '../nn/train-text';
import { predictTextModel } from '../nn/predict';
import { TEXT_RUN_FORMAT, type TextRunTopology } from '../text-run';
import { createTokenizer, TOKENIZER_FORMAT, TOKENIZER_VERSION, type TokenizerState } from '../tokenizer';
import { PAD, UNK } from '../vocabulary';
import { DEFAULT_WORD_OPTIONS } from '../word-tokenizer';
import { textsAndLabels } from '../text.spec-support';
import { compressTextRun, textTfjsArtifacts } from './text-variants';
import { textTfjsZip } from './text-tfjs';
import { pruneWeights } from './text-weights';

beforeAll(useCpu);

const T = 12;
const tokenizer: TokenizerState = { format: TOKENIZER_FORMAT, version: TOKENIZER_VERSION, kind: 'word', options: DEFAULT_WORD_OPTIONS, vocabulary: [PAD, UNK, ...Array.from({ length: VOCAB - 2 }, (_, i) => `w${i + 2}`)] };
const request = { runId: 'r', sparsities: [0.5], fineTuneEpochs: 1, repeats: 2 };
const ort = { ort: RUNTIMES.node, ortBackend: 'cpu' };

async function collect(run: (options: { onVariant: (v: Variant, r: VariantRow) => void; onSkip: (l: string, r: string) => void }) => Promise<VariantRow[]>) {
	const variants = new Map<string, Variant>();
	const skipped: string[] = [];
	const rows = await run({ onVariant: (v) => void variants.set(v.id, v), onSkip: (label) => skipped.push(label) });
	return { rows, variants, skipped, byId: Object.fromEntries(rows.map((r) => [r.id, r])) };
}

describe('a TF-IDF run: tfjs layers files and the trade-off table on its holdout texts', async () => {
	const { texts, labels } = textsAndLabels('sentiment.csv', 'text', 'sentiment');
	const { classes, y } = encodeLabels(labels);
	const train = Array.from({ length: 900 }, (_, i) => i);
	const held = Array.from({ length: 300 }, (_, i) => 900 + i);
	const linear = trainTextLinear(train.map((r) => texts[r]), Int32Array.from(train, (r) => y[r]), classes, { kind: 'logistic', tfidf: { tokenizer: DEFAULT_WORD_OPTIONS, maxFeatures: 2000, minDf: 1, ngrams: 1, sublinear: true }, l2: 'auto', maxIterations: 60, alpha: 1 });
	const topology: TextRunTopology = { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'linear', linear };
	const stored: ModelArtifacts = { modelTopology: topology, weightSpecs: [], weightData: new ArrayBuffer(0) };
	const heldTexts = held.map((r) => texts[r]);
	const heldY = Int32Array.from(held, (r) => y[r]);
	const kiln = predictTextLinear(linear, heldTexts);
	const kilnAccuracy = kiln.predicted.reduce((n, p, i) => n + (p === heldY[i] ? 1 : 0), 0) / held.length;

	it('exports a layers model tf.loadLayersModel reads, with the same probabilities as Kiln, and text.json', async () => {
		const zip = unzipSync(textTfjsZip(topology, await textTfjsArtifacts(topology, stored), classes, 'Original (float32)'));
		expect(Object.keys(zip).sort()).toEqual(['README.txt', 'model.json', 'text.json', 'weights.bin']);
		const json = JSON.parse(strFromU8(zip['model.json']));
		const bin = zip['weights.bin'];
		const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer }));
		const sidecar = JSON.parse(strFromU8(zip['text.json']));
		expect(sidecar).toMatchObject({ kind: 'tfidf', classes });
		const { matrix } = (await import('../tfidf')).transformTfidf(sidecar.tfidf, heldTexts.slice(0, 50));
		const dense = new Float32Array(50 * matrix.cols);
		for (let r = 0; r < 50; r++) for (let p = matrix.indptr[r]; p < matrix.indptr[r + 1]; p++) dense[r * matrix.cols + matrix.indices[p]] = matrix.values[p];
		const got = (model.predict(tf.tensor2d(dense, [50, matrix.cols])) as tf.Tensor).dataSync();
		let diff = 0;
		for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i] - kiln.probabilities[i]));
		expect(diff).toBeLessThan(1e-5);
		model.dispose();
	});

	it('measures every variant on the holdout in tfjs and ONNX Runtime; the original scores as Kiln does', async () => {
		const { rows, byId, skipped, variants } = await collect((o) => compressTextRun(topology, stored, heldTexts, heldY, request, { ...ort, ...o }));
		expect(rows.map((r) => r.id)).toEqual(['float32', 'float16', 'int8', 'pruned-50-once', 'pruned-50-once-int8']);
		expect(byId.float32.tfjs!.metric).toBeCloseTo(kilnAccuracy, 10);
		expect(byId.float32.onnx!.metric).toBeCloseTo(kilnAccuracy, 10);
		expect(kilnAccuracy).toBeGreaterThan(0.7);
		for (const row of rows) {
			expect(Math.abs(row.tfjs!.metric - kilnAccuracy)).toBeLessThan(0.1);
			expect(Math.abs(row.onnx!.metric - row.tfjs!.metric)).toBeLessThan(0.02);
		}
		expect(byId.float16.tfjs!.fileBytes).toBeLessThan(byId.float32.tfjs!.fileBytes * 0.6);
		expect(byId.int8.onnx!.fileBytes).toBeLessThan(byId.float32.onnx!.fileBytes * 0.4);
		// 50 % of the kernel (2,000 terms × 2 classes) is zero; the 2 biases are kept.
		expect(byId['pruned-50-once'].nonZero).toBe(byId.float32.params / 2 + 1);
		expect(skipped).toEqual(['Pruning with fine-tuning']); // a TF-IDF model is solver-fitted
		expect(variants.get('int8')!.onnx).toBeInstanceOf(Uint8Array);
	});
});

describe('a text network: Kiln-format tfjs files and the trade-off table on its holdout ids', async () => {
	const config: TextModelConfig = { vocabularySize: VOCAB, maxLength: T, embeddingDim: 8, trainEmbedding: true, dropout: 0, seed: 5, task: 'sequence', classes: 2, family: 'cnn', filters: 6, kernelSizes: [2, 3] };
	const data = sentimentTask(240, T, 3);
	const model = new TextModel(config);
	await trainTextModel(model, data, { epochs: 4, batchSize: 16, learningRate: 0.05, patience: 0, clipNorm: 5, seed: 2 });
	const weights = await serialiseTextModel(model);
	model.dispose();
	const topology: TextRunTopology = { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'neural', tokenizer, network: weights.modelTopology as object };
	const stored = { ...weights, modelTopology: topology };
	// Holdout texts written from the synthetic ids (word wN is id N).
	const rows = Array.from(data.validation);
	const textOf = (r: number) => Array.from(data.ids.subarray(r * T, (r + 1) * T)).filter((v) => v > 0).map((v) => `w${v}`).join(' ');
	const heldTexts = rows.map(textOf);
	const heldY = Int32Array.from(rows, (r) => data.labels[r]);
	const fineTune = { texts: Array.from(data.train, textOf), y: Int32Array.from(data.train, (r) => data.labels[r]), batchSize: 16, learningRate: 0.02, seed: 3 };

	it('measures every variant; the original in tfjs and ONNX scores as Kiln predicts the texts', async () => {
		const loaded = loadTextModel(weights);
		const { predicted } = await predictTextModel(loaded, createTokenizer(tokenizer), heldTexts);
		loaded.dispose();
		const kilnAccuracy = predicted.reduce((n, p, i) => n + (p === heldY[i] ? 1 : 0), 0) / heldY.length;
		expect(kilnAccuracy).toBeGreaterThan(0.8);
		const { byId, rows: table, skipped } = await collect((o) => compressTextRun(topology, stored, heldTexts, heldY, { ...request, sparsities: [0.95], fineTuneEpochs: 3 }, { ...ort, ...o }, fineTune));
		expect(table.map((r) => r.id)).toEqual(['float32', 'float16', 'int8', 'pruned-95-once', 'pruned-95-once-int8', 'pruned-95', 'pruned-95-int8']);
		expect(skipped).toEqual([]);
		expect(byId.float32.tfjs!.metric).toBeCloseTo(kilnAccuracy, 10);
		expect(byId.float32.onnx!.metric).toBeCloseTo(kilnAccuracy, 10);
		expect(byId.float16.tfjs!.metric).toBeCloseTo(kilnAccuracy, 1);
		expect(Math.abs(byId.int8.onnx!.metric - kilnAccuracy)).toBeLessThan(0.1);
		expect(byId.int8.tfjs!.deflatedBytes).toBeLessThan(byId.float32.tfjs!.deflatedBytes);
		// Fine-tuning keeps the one-shot pattern of zeros exactly, and wins back what pruning cost.
		expect(byId['pruned-95'].nonZero).toBe(byId['pruned-95-once'].nonZero);
		expect(byId['pruned-95-once'].nonZero).toBeLessThan(byId.float32.nonZero * 0.1);
		expect(byId['pruned-95'].tfjs!.metric).toBeGreaterThan(0.8);
		expect(byId['pruned-95'].onnx!.metric).toBeCloseTo(byId['pruned-95'].tfjs!.metric, 10);
		console.log(table.map((r) => `${r.label}: ${r.tfjs!.metric.toFixed(3)} / ${r.onnx!.metric.toFixed(3)}, ${r.nonZero} non-zero`).join('; '));
		for (const row of table) for (const m of [row.tfjs!, row.onnx!]) expect(m.batch1Ms).toBeGreaterThanOrEqual(0);
	});

	it('writes model.json (kiln-text-model) + weights.bin that tf.io reads back into the same network', async () => {
		const int8 = (await import('$workers/lib/ship')).quantizeTfjs(weights, 'uint8') as ModelArtifacts;
		const zip = unzipSync(textTfjsZip(topology, int8, ['neg', 'pos'], 'int8 weights'));
		const json = JSON.parse(strFromU8(zip['model.json']));
		expect(json).toMatchObject({ format: 'kiln-text-model', modelTopology: { config: { family: 'cnn' } } });
		expect(json.weightsManifest[0].weights[0].quantization).toMatchObject({ dtype: 'uint8' });
		const bin = zip['weights.bin'];
		const decoded = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, json.weightsManifest[0].weights);
		const names = json.weightsManifest[0].weights.map((w: { name: string }) => w.name);
		const flat = names.map((n: string) => decoded[n].dataSync() as Float32Array);
		const buffer = new Float32Array(flat.reduce((a: number, f: Float32Array) => a + f.length, 0));
		flat.reduce((at: number, f: Float32Array) => (buffer.set(f, at), at + f.length), 0);
		const back = loadTextModel({ modelTopology: json.modelTopology, weightSpecs: names.map((name: string, i: number) => ({ name, shape: json.weightsManifest[0].weights[i].shape, dtype: 'float32' })), weightData: buffer.buffer });
		expect(back.config.family).toBe('cnn');
		back.dispose();
		expect(JSON.parse(strFromU8(zip['text.json']))).toMatchObject({ kind: 'neural', maxLength: T, tokenizer: { kind: 'word' } });
		expect(strFromU8(zip['README.txt'])).toMatch(/not a tf\.loadLayersModel file/);
	});

	it('prunes matrices only, to the exact share', () => {
		const pruned = pruneWeights(weights, 0.5);
		const floats = new Float32Array(pruned.weightData);
		let at = 0;
		for (const spec of pruned.weightSpecs) {
			const n = spec.shape.reduce((a, b) => a * b, 1);
			const zeros = floats.subarray(at, at + n).filter((v) => v === 0).length;
			if (spec.shape.length >= 2) expect(zeros).toBe(Math.floor(n / 2));
			at += n;
		}
	});
});
