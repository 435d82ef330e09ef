import { beforeAll, describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { useCpu } from '../../../../tests/unit-support';
import { RUNTIMES } from '$workers/lib/ship/ort.spec-support';
import { encodeLabels } from '../labels';
import { trainTextLinear } from '../linear-text';
import type { TextModelConfig, TextTask } from '../nn/config';
import { serialiseTextModel } from '../nn/serialise';
import { sentimentTask, taggingTask, VOCAB } from '../nn/synthetic.spec-support';
import { TextModel } from '../nn/text-model';
import { trainTextModel } from '../nn/train-text';
import { TEXT_RUN_FORMAT, type TextRunTopology } from '../text-run';
import { TOKENIZER_FORMAT, TOKENIZER_VERSION, type TokenizerState } from '../tokenizer';
import { PAD, UNK } from '../vocabulary';
import { DEFAULT_WORD_OPTIONS } from '../word-tokenizer';
import { textsAndLabels } from '../text.spec-support';
import { checkTextOnnx, textFeeds, textOnnxZip, textRunOnnx, textSidecar, type TextSidecar } from './text-export';

beforeAll(useCpu);

const T = 12;
// Words w2…w29 are ids 2…29, so the synthetic tasks' ids are also texts.
const tokenizer: TokenizerState = { format: TOKENIZER_FORMAT, version: TOKENIZER_VERSION, kind: 'word', options: DEFAULT_WORD_OPTIONS, vocabulary: [PAD, UNK, ...Array.from({ length: VOCAB - 2 }, (_, i) => `w${i + 2}`)] };
const base = { vocabularySize: VOCAB, maxLength: T, embeddingDim: 8, trainEmbedding: true, dropout: 0.1, seed: 5 };
const configs = (task: TextTask, classes: number): TextModelConfig[] => [
	{ ...base, task, classes, family: 'embedding-bag', hidden: 8 },
	{ ...base, task, classes, family: 'cnn', filters: 6, kernelSizes: task === 'token' ? [3, 5] : [2, 3, 4] },
	{ ...base, task, classes, family: 'rnn', cell: 'lstm', units: 8, bidirectional: false },
	{ ...base, task, classes, family: 'rnn', cell: 'lstm', units: 6, bidirectional: true },
	{ ...base, task, classes, family: 'rnn', cell: 'gru', units: 8, bidirectional: true },
	{ ...base, task, classes, family: 'transformer', layers: 2, heads: 2, ffDim: 16 }
];
const label = (c: TextModelConfig) => (c.family === 'rnn' ? `${c.cell}${c.bidirectional ? ' bidirectional' : ''}` : c.family);

/** A briefly trained network of `config` as a stored text run (so its outputs are not near-uniform). */
async function neuralRun(config: TextModelConfig) {
	const data = config.task === 'sequence' ? sentimentTask(64, T, 3) : taggingTask(64, T, 3);
	const model = new TextModel(config);
	await trainTextModel(model, data, { epochs: 1, batchSize: 16, learningRate: 0.05, patience: 0, clipNorm: 5, seed: 2 });
	const artifacts = await serialiseTextModel(model);
	model.dispose();
	const topology: TextRunTopology = { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'neural', tokenizer, network: artifacts.modelTopology as object };
	return { data, topology, artifacts: { ...artifacts, modelTopology: topology } };
}

describe('text networks as ONNX, checked in onnxruntime-node against Kiln within 1e-4', () => {
	const texts = ['w3 w7 w9', 'w4 w4 w12 w28 w5', '', 'w3 unseen words here', Array.from({ length: 30 }, (_, i) => `w${2 + (i % 28)}`).join(' ')];
	for (const config of configs('sequence', 2)) {
		it(`classifier: ${label(config)} (texts incl. an empty one and one past maxLength)`, async () => {
			const { topology, artifacts } = await neuralRun(config);
			const onnx = textRunOnnx(topology, artifacts);
			const check = await checkTextOnnx(RUNTIMES.node, onnx, topology, artifacts, { texts }, 'onnxruntime-node');
			expect(check.rows).toBe(texts.length);
			expect(check.agreed).toBe(texts.length);
			expect(check.maxAbsDiff).toBeLessThan(1e-4);
		});
	}
	for (const config of configs('token', 3)) {
		it(`tagger: ${label(config)} (every real token of the held-out sentences)`, async () => {
			const { data, topology, artifacts } = await neuralRun(config);
			const rows = data.validation;
			const ids = new Int32Array(rows.length * T);
			rows.forEach((r, i) => ids.set(data.ids.subarray(r * T, (r + 1) * T), i * T));
			const check = await checkTextOnnx(RUNTIMES.node, textRunOnnx(topology, artifacts), topology, artifacts, { ids, count: rows.length }, 'onnxruntime-node');
			expect(check.rows).toBe(ids.filter((v) => v !== 0).length);
			expect(check.agreed).toBe(check.rows);
			expect(check.maxAbsDiff).toBeLessThan(1e-4);
		});
	}
});

describe('TF-IDF + linear as Gemm on the TF-IDF vector', () => {
	it('gives the same probabilities as Kiln on the sentiment demo, for both linear kinds, from the sidecar\'s rules', async () => {
		const { texts, labels } = textsAndLabels('sentiment.csv', 'text', 'sentiment');
		const { classes, y, rows } = encodeLabels(labels);
		const train = Array.from(rows).slice(0, 600);
		for (const kind of ['logistic', 'naive-bayes'] as const) {
			const linear = trainTextLinear(train.map((r) => texts[r]), Int32Array.from(train, (_, i) => y[i]), classes, { kind, tfidf: { tokenizer: DEFAULT_WORD_OPTIONS, maxFeatures: 3000, minDf: 1, ngrams: 2, sublinear: true }, l2: 'auto', maxIterations: 100, alpha: 1 });
			const topology: TextRunTopology = { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'linear', linear };
			const artifacts = { modelTopology: topology, weightSpecs: [], weightData: new ArrayBuffer(0) };
			const onnx = textRunOnnx(topology, artifacts);
			const held = [...Array.from(rows).slice(600, 800).map((r) => texts[r]), '', 'nothing the model knows: zzz'];
			const check = await checkTextOnnx(RUNTIMES.node, onnx, topology, artifacts, { texts: held }, 'onnxruntime-node');
			expect(check).toMatchObject({ rows: held.length, agreed: held.length });
			expect(check.maxAbsDiff).toBeLessThan(1e-4);
			const sidecar = textSidecar(topology, classes);
			expect(sidecar).toMatchObject({ kind: 'tfidf', input: { name: 'tfidf', shape: ['N', linear.tfidf.terms.length] } });
		}
	});
});

describe('the export zip', () => {
	it('holds model.onnx and text.json, whose vocabulary and rules alone reproduce the graph input', async () => {
		const { topology, artifacts } = await neuralRun(configs('sequence', 2)[0]);
		const onnx = textRunOnnx(topology, artifacts);
		const files = unzipSync(textOnnxZip(onnx, textSidecar(topology, ['neg', 'pos'])));
		expect(Object.keys(files).sort()).toEqual(['README.txt', 'model.onnx', 'text.json']);
		expect(Buffer.from(files['model.onnx']).equals(Buffer.from(onnx))).toBe(true);
		const sidecar = JSON.parse(strFromU8(files['text.json'])) as TextSidecar;
		expect(sidecar).toMatchObject({ format: 'kiln-text-onnx', kind: 'neural', task: 'sequence', maxLength: T, classes: ['neg', 'pos'], input: { name: 'ids', type: 'int64', shape: ['N', T] } });
		if (sidecar.kind !== 'neural') throw new Error('expected a neural sidecar');
		// The reader's side: ids looked up in the sidecar's vocabulary, unknowns → 1, padded with 0.
		const feed = textFeeds({ ...topology, tokenizer: sidecar.tokenizer }, ['W3 w9 nope']);
		expect(Array.from(feed.data as BigInt64Array, Number)).toEqual([3, 9, 1, ...new Array(T - 3).fill(0)]);
	});

	it('refuses a model whose weights do not fit its config', async () => {
		const { topology, artifacts } = await neuralRun(configs('sequence', 2)[0]);
		expect(() => textRunOnnx(topology, { ...artifacts, weightData: artifacts.weightData.slice(0, 16) })).toThrow(/weight manifest/);
	});
});
