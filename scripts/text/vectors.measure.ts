// One-off measurement (not a test): holdout accuracy on the shipped sentiment set of the same
// neural text model with a random embedding, the shipped GloVe vectors frozen, and fine-tuned,
// same split and seed, on tfjs-wasm in Node (as the studio's worker). Run once; the figures go in the report.
//   MEASURE_FAMILY=embedding-bag MEASURE_SEEDS=3 npx vitest run --config scripts/text/vitest.measure.config.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { registerWasmKernels } from '$workers/lib/kernels/register';
import { useWasm } from '../../tests/unit-support';
import { trainTextClassifier, type TextModelChoice } from '$workers/lib/text/nn/run';
import { parseWordVectors } from '$workers/lib/text/word-vectors';
import { DEFAULT_WORD_OPTIONS } from '$workers/lib/text/word-tokenizer';

const file = (p: string) => fileURLToPath(new URL(`../../static/${p}`, import.meta.url));

import { it } from 'vitest';

it('measures random vs GloVe-initialised embeddings on the sentiment holdout', async () => {
	const family = process.env.MEASURE_FAMILY ?? 'embedding-bag';
	const seedsArg = process.env.MEASURE_SEEDS ?? '3';
	// As in the studio's worker: tfjs-cpu's embedding gradient loops over the (28k-word) vocabulary.
	await useWasm();
	registerWasmKernels();
	const rows = Papa.parse<Record<string, string>>(readFileSync(file('datasets/sentiment.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
	const texts = rows.map((r) => r.text);
	const labels = rows.map((r) => r.sentiment);
	const bin = readFileSync(file('models/glove-100d-20k.bin'));
	const vectors = parseWordVectors(JSON.parse(readFileSync(file('models/glove-100d-20k.json'), 'utf8')), bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer);
	const model = (trainEmbedding: boolean): TextModelChoice =>
		family === 'rnn' ? { family: 'rnn', cell: 'lstm', units: 32, bidirectional: false, embeddingDim: 100, trainEmbedding, dropout: 0.2 } : family === 'cnn' ? { family: 'cnn', filters: 64, kernelSizes: [3, 4, 5], embeddingDim: 100, trainEmbedding, dropout: 0.2 } : { family: 'embedding-bag', hidden: 32, embeddingDim: 100, trainEmbedding, dropout: 0.2 };
	const variants = [
		{ name: 'random init', pretrained: false, trainEmbedding: true },
		{ name: 'GloVe frozen', pretrained: true, trainEmbedding: false },
		{ name: 'GloVe fine-tuned', pretrained: true, trainEmbedding: true }
	];
	const results: Record<string, number[]> = {};
	for (let seed = 1; seed <= Number(seedsArg); seed++) {
		for (const v of variants) {
			const run = await trainTextClassifier(texts, labels, {
				tokenizer: { kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 8000, minCount: 1 },
				maxLength: 48,
				model: model(v.trainEmbedding),
				pretrained: v.pretrained,
				train: { epochs: 12, batchSize: 32, learningRate: 0.01, patience: 3, clipNorm: 1, seed },
				holdoutFraction: 0.2,
				validationFraction: 0.15
			}, { vectors });
			(results[v.name] ??= []).push(run.metrics.accuracy);
			console.log(`${family} seed ${seed} ${v.name}: holdout accuracy ${run.metrics.accuracy.toFixed(4)} (${run.holdoutRows} texts, best epoch ${run.bestEpoch})`);
		}
	}
	for (const [name, acc] of Object.entries(results)) console.log(`${family} ${name}: mean ${(acc.reduce((a, b) => a + b, 0) / acc.length).toFixed(4)} over ${acc.length} seeds`);
});
