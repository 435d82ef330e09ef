// One-off: the neural-model bars of issue 13 on the shipped data, held-out parts, fixed seeds.
//   npx vitest run --config bench/text/vitest.config.ts bench/text/bars.run.ts
//   BARS=sentiment|pos to run one part. Prints accuracies; asserts nothing (the fast bars live in specs).
//   MODEL=<name prefix> runs one model; KILN_TEXT_KERNELS=off trains with tfjs's ops and Adam instead of
//   Kiln's fused text kernels and step (to check both reach the same accuracy).
// Runs on tfjs-wasm (single thread) with the studio's wasm kernels (workers/lib/kernels); the CNN needs
// Conv2DBackpropFilter, which wasm 4.22 lacks, so it runs on tfjs-cpu.
import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useCpu, useWasm } from '../../tests/unit-support';
import { holdoutSplit } from '$workers/lib/split';
import { createRng, shuffleInPlace } from '$workers/lib/random';
import { parseConll } from '$workers/lib/text/conll';
import { encodeLabels } from '$workers/lib/text/labels';
import type { TextModelConfig } from '$workers/lib/text/nn/config';
import { encodeTagged, encodeTexts } from '$workers/lib/text/nn/sequences';
import { setFusedTextKernels } from '$workers/lib/text/nn/layers';
import { TextModel } from '$workers/lib/text/nn/text-model';
import { evaluateText, trainTextModel } from '$workers/lib/text/nn/train-text';
import { createTokenizer, fitTokenizer, fitWordsTokenizer } from '$workers/lib/text/tokenizer';
import { embeddingMatrix } from '$workers/lib/text/word-vectors';
import { DEFAULT_WORD_OPTIONS } from '$workers/lib/text/word-tokenizer';
import { shippedVectors, textsAndLabels } from '$workers/lib/text/text.spec-support';
import { registerWasmKernels } from '$workers/lib/kernels/register';

const only = process.env.BARS;
setFusedTextKernels(process.env.KILN_TEXT_KERNELS !== 'off');

it.runIf(!only || only === 'sentiment')('sentiment: neural models on the shipped set (same 80/20 split as the TF-IDF spec)', async () => {
	const { texts, labels } = textsAndLabels('sentiment.csv', 'text', 'sentiment');
	const { classes, y, rows } = encodeLabels(labels);
	const { train: trainAll, holdout } = holdoutSplit(rows, 0.2, 42, y);
	const { train, holdout: validation } = holdoutSplit(trainAll, 0.1, 43, Int32Array.from(trainAll, (r) => y[r]));
	const spec = { kind: 'word' as const, options: DEFAULT_WORD_OPTIONS, maxVocabulary: 20_000, minCount: 1 };
	const state = fitTokenizer(spec, Array.from(train, (r) => texts[r]));
	const T = 48;
	const encoded = encodeTexts(createTokenizer(state), texts, T);
	const vectors = shippedVectors();
	const init = embeddingMatrix(vectors, state.vocabulary, 7);
	console.log(`vocabulary ${state.vocabulary.length}, with a GloVe vector ${init.covered}; ${encoded.issues.clipped} texts cut at ${T} tokens`);
	const data = { ids: encoded.ids, maxLength: T, labels: Int32Array.from(y), train, validation };
	const base = { task: 'sequence' as const, vocabularySize: state.vocabulary.length, classes: classes.length, maxLength: T, embeddingDim: 100, seed: 3 };
	const runs: { name: string; config: TextModelConfig; glove: boolean; backend: 'wasm' | 'cpu'; lr: number; epochs: number }[] = [
		{ name: 'embedding-bag, GloVe fine-tuned', config: { ...base, family: 'embedding-bag', hidden: 64, trainEmbedding: true, dropout: 0.3 }, glove: true, backend: 'wasm', lr: 3e-3, epochs: 25 },
		{ name: 'BiLSTM 64, GloVe frozen', config: { ...base, family: 'rnn', cell: 'lstm', units: 64, bidirectional: true, trainEmbedding: false, dropout: 0.3 }, glove: true, backend: 'wasm', lr: 3e-3, epochs: 20 },
		{ name: 'GRU 64, GloVe fine-tuned', config: { ...base, family: 'rnn', cell: 'gru', units: 64, bidirectional: false, trainEmbedding: true, dropout: 0.3 }, glove: true, backend: 'wasm', lr: 3e-3, epochs: 20 },
		{ name: 'CNN 3/4/5 × 64, GloVe fine-tuned', config: { ...base, family: 'cnn', filters: 64, kernelSizes: [3, 4, 5], trainEmbedding: true, dropout: 0.4 }, glove: true, backend: 'cpu', lr: 2e-3, epochs: 15 },
		{ name: 'transformer 2×64, 4 heads, from scratch', config: { ...base, family: 'transformer', embeddingDim: 64, layers: 2, heads: 4, ffDim: 128, trainEmbedding: true, dropout: 0.2 }, glove: false, backend: 'wasm', lr: 1e-3, epochs: 25 },
		{ name: 'transformer 2×100, 4 heads, GloVe fine-tuned', config: { ...base, family: 'transformer', layers: 2, heads: 4, ffDim: 200, trainEmbedding: true, dropout: 0.2 }, glove: true, backend: 'wasm', lr: 1e-3, epochs: 25 }
	];
	for (const run of runs) {
		if (process.env.MODEL && !run.name.startsWith(process.env.MODEL)) continue;
		if (run.backend === 'wasm') {
			await useWasm();
			registerWasmKernels();
		} else await useCpu();
		const model = new TextModel(run.config, run.glove ? init.matrix : undefined);
		const started = performance.now();
		const result = await trainTextModel(model, data, { epochs: run.epochs, batchSize: 32, learningRate: run.lr, patience: 4, clipNorm: 5, seed: 9 });
		const score = await evaluateText(model, data, holdout);
		console.log(`SENTIMENT ${run.name} [${tf.getBackend()}, text kernels ${process.env.KILN_TEXT_KERNELS === 'off' ? 'off' : 'on'}]: holdout accuracy ${score.accuracy.toFixed(4)} (n=${score.count}); best epoch ${result.bestEpoch}/${result.history.length}, ${(result.tokensPerSecond).toFixed(0)} train tokens/s, ${((performance.now() - started) / 1000).toFixed(0)} s`);
		model.dispose();
	}
});

it.runIf(!only || only === 'pos')('POS tagging on a held-out 10 % of the shipped Brown sentences', async () => {
	const { sentences, tags } = parseConll(readFileSync('static/datasets/brown-pos.conll', 'utf8'), 'brown-pos.conll');
	const order = shuffleInPlace(Int32Array.from(sentences.keys()), createRng(2024));
	const cut = (a: number, b: number) => order.subarray(Math.floor(a * order.length), Math.floor(b * order.length));
	const [train, validation, holdout] = [cut(0, 0.8), cut(0.8, 0.9), cut(0.9, 1)];
	const vectors = shippedVectors();
	// Training words first, then every GloVe word, so held-out words unseen in training keep their vector.
	const state = fitWordsTokenizer({ kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 30_000, minCount: 1 }, Array.from(train).flatMap((i) => sentences[i].tokens), vectors.words);
	const T = 40;
	const encoded = encodeTagged(state, sentences, tags, T);
	const init = embeddingMatrix(vectors, state.vocabulary, 7);
	const data = { ids: encoded.ids, labels: encoded.labels, maxLength: T, train, validation };
	const holdoutTokens = Array.from(holdout).reduce((n, i) => n + sentences[i].tokens.length, 0);
	console.log(`POS: ${sentences.length} sentences, ${tags.length} tags, vocabulary ${state.vocabulary.length} (GloVe vectors for ${init.covered}); held out ${holdout.length} sentences / ${holdoutTokens} tokens`);
	await useWasm();
	registerWasmKernels();
	const base = { task: 'token' as const, vocabularySize: state.vocabulary.length, classes: tags.length, maxLength: T, embeddingDim: 100, seed: 3, trainEmbedding: false };
	const runs: { name: string; config: TextModelConfig; lr: number; epochs: number }[] = [
		{ name: 'BiLSTM 64 tagger, GloVe frozen', config: { ...base, family: 'rnn', cell: 'lstm', units: 64, bidirectional: true, dropout: 0.2 }, lr: 5e-3, epochs: 12 },
		{ name: 'transformer 2×100 tagger, GloVe frozen', config: { ...base, family: 'transformer', layers: 2, heads: 4, ffDim: 200, dropout: 0.1 }, lr: 2e-3, epochs: 15 }
	];
	for (const run of runs) {
		if (process.env.MODEL && !run.name.startsWith(process.env.MODEL)) continue;
		const model = new TextModel(run.config, init.matrix);
		const started = performance.now();
		const result = await trainTextModel(model, data, { epochs: run.epochs, batchSize: 32, learningRate: run.lr, patience: 3, clipNorm: 5, seed: 9 });
		const score = await evaluateText(model, data, holdout);
		console.log(`POS ${run.name} [${tf.getBackend()}]: held-out token accuracy ${score.accuracy.toFixed(4)} (n=${score.count}); best epoch ${result.bestEpoch}/${result.history.length}, ${((performance.now() - started) / 1000).toFixed(0)} s`);
		model.dispose();
	}
});
