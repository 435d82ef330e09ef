import { beforeAll, describe, expect, it } from 'vitest';
import { parseConll } from '$workers/lib/text/conll';
import { predictTextModel } from '$workers/lib/text/nn/predict';
import type { TextModelChoice } from '$workers/lib/text/nn/run';
import { loadTextModel, serialiseTextModel } from '$workers/lib/text/nn/serialise';
import { TextModel } from '$workers/lib/text/nn/text-model';
import type { TextModelConfig } from '$workers/lib/text/nn/config';
import { TEXT_RUN_FORMAT, type TextRunTopology } from '$workers/lib/text/text-run';
import { shippedText, textsAndLabels } from '$workers/lib/text/text.spec-support';
import { createTokenizer, DEFAULT_BPE_OPTIONS, fitTokenizer, fitWordsTokenizer, type TokenizerSpec, type TokenizerState } from '$workers/lib/text/tokenizer';
import { DEFAULT_WORD_OPTIONS } from '$workers/lib/text/word-tokenizer';
import type { ModelArtifacts, Preprocessing } from '$workers/protocol';
import { parsePage, runPage } from './fake-dom.spec-support';
import { importedModel } from './import-link';
import { headOf, makeTextSharePayload, payloadParameters } from './media-payload';
import { mediaPredictor } from './page-media';
import { runtime } from './runtime';
import { convRuntime } from './runtime-conv';
import { textRuntime } from './runtime-text';
import { decodeShareLink, encodeShareLink } from './share-link';
import { measureShareLink } from './share-size';
import { useCpu } from './share.spec-support';
import { textRunWithVariant } from './text-variant';
import { packQuantized, readWeights } from '$workers/lib/ship/tfjs-weights';
import { buildStandalonePage } from './standalone-page';
import type { SharePayload } from './types';

beforeAll(useCpu);

/**
 * Transformer, BPE and tagger text links against Kiln's own tfjs model: small networks trained
 * for a few epochs on the shipped sentiment set and Brown POS slice, then the link runtime
 * (plain typed-array math, no tfjs) must give the same probabilities on real texts.
 */

const { texts } = textsAndLabels('sentiment.csv', 'text', 'sentiment');
const long = Array.from({ length: 40 }, (_, i) => (i % 3 ? 'battery' : 'great')).join(' ');
const SENTENCES = ['The battery lasts all day and the screen is great!', 'Terrible. It broke after two days, a waste of money.', 'zzqx blorf qqwv', 'Ünïcödé naïve café 東京 🙂👍🏽 — “quoted”', '', 'ok', long, ...texts.slice(600, 630).map((t) => t ?? '')];
const WORD: TokenizerSpec = { kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 800, minCount: 1 };
const BPE: TokenizerSpec = { kind: 'bpe', options: DEFAULT_BPE_OPTIONS, vocabularySize: 700, minFrequency: 2 };
const BPE_UNK: TokenizerSpec = { kind: 'bpe', options: { ...DEFAULT_BPE_OPTIONS, fallback: 'unk', lowercase: true }, vocabularySize: 300, minFrequency: 2 };
const TRANSFORMER: TextModelChoice = { family: 'transformer', embeddingDim: 16, layers: 2, heads: 4, ffDim: 32, trainEmbedding: true, dropout: 0 };
const demo = { title: 'Sentiment', description: '', examples: [{ text: 'great phone' }] };

const SENTIMENT = ['negative', 'neutral', 'positive'];

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	let m = 0;
	for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
	return m;
}

const predictorOf = (p: SharePayload) => mediaPredictor(runtime, convRuntime, textRuntime, headOf(p), p.preprocessing, p.media!, p.demo.labelNames);

interface Trained {
	artifacts: ModelArtifacts;
	prep: Preprocessing;
	classes: string[];
}

/**
 * A stored text run of seeded (untrained) weights, as the LSTM/GRU link specs use: training the
 * transformer on tfjs-cpu takes minutes here, and parity does not need a trained network, only a
 * network that is not flat on the real texts (checked below).
 */
async function stored(tokenizer: TokenizerState, model: TextModelChoice, classes: string[], task: 'sequence' | 'token', maxLength: number, seed = 4): Promise<Trained> {
	const network = new TextModel({ ...model, task, vocabularySize: tokenizer.vocabulary.length, classes: classes.length, maxLength, seed } as TextModelConfig);
	const saved = await serialiseTextModel(network);
	network.dispose();
	const artifacts: ModelArtifacts = { modelTopology: { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'neural', tokenizer, network: saved.modelTopology }, weightSpecs: saved.weightSpecs, weightData: saved.weightData };
	return { artifacts, classes, prep: { features: [], target: { name: 'label', task: 'classification', classes }, inputSize: 0 } };
}

const classifier = (spec: TokenizerSpec, model: TextModelChoice, seed = 4) => stored(fitTokenizer(spec, texts.slice(0, 600)), model, SENTIMENT, 'sequence', 16, seed);

/** Kiln's own prediction of a stored text run (the studio's path: loadTextModel + predictTextModel). */
async function kilnPredict(artifacts: ModelArtifacts, inputs: string[]) {
	const topology = artifacts.modelTopology as Extract<TextRunTopology, { kind: 'neural' }>;
	const model = loadTextModel({ modelTopology: topology.network, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData });
	try {
		return await predictTextModel(model, createTokenizer(topology.tokenizer), inputs);
	} finally {
		model.dispose();
	}
}

/** Link probabilities against Kiln's, per text (classifier); returns the worst difference. */
async function classifierParity(t: Trained, payload: SharePayload): Promise<number> {
	const kiln = await kilnPredict(t.artifacts, SENTENCES);
	const k = t.classes.length;
	const p = predictorOf(payload);
	let worst = 0;
	let spread = 0;
	SENTENCES.forEach((s, i) => {
		const ours = p.predictText(s);
		const want = kiln.probabilities.subarray(i * k, (i + 1) * k);
		worst = Math.max(worst, maxDiff(ours.probabilities, want));
		spread = Math.max(spread, maxDiff(want, kiln.probabilities.subarray(0, k)));
		expect(ours.label, s).toBe(t.classes[kiln.predicted[i]]);
		expect(ours.tokens!.slice(0, 16)).toEqual(kiln.tokens[i]);
	});
	// The network is not flat: texts get different probabilities, so the comparison has teeth.
	expect(spread).toBeGreaterThan(2e-3);
	return worst;
}

const sizeOf = (p: SharePayload) => {
	const m = measureShareLink(p);
	return `${m.chars.toLocaleString('en-US')} chars (${m.fit}), ${payloadParameters(p).toLocaleString('en-US')} parameters`;
};

describe('transformer and BPE text classifiers in share links (tokenisers fitted on sentiment.csv, seeded weights)', () => {
	it.each([
		['transformer, word tokeniser', WORD, TRANSFORMER],
		['transformer, BPE (byte fallback)', BPE, TRANSFORMER],
		['embedding-bag, BPE', BPE, { family: 'embedding-bag', embeddingDim: 16, hidden: 8, trainEmbedding: true, dropout: 0 }],
		['1-D CNN, BPE ([UNK] fallback, lower case)', BPE_UNK, { family: 'cnn', embeddingDim: 12, filters: 6, kernelSizes: [2, 3], trainEmbedding: true, dropout: 0 }],
		['bidirectional GRU, BPE', BPE, { family: 'rnn', embeddingDim: 12, cell: 'gru', units: 8, bidirectional: true, trainEmbedding: true, dropout: 0 }]
	] as [string, TokenizerSpec, TextModelChoice][])('%s: float32 link within 1e-4 of Kiln, int8 link round-trips and keeps most labels, import predicts as the link', async (name, tokenizer, model) => {
		const t = await classifier(tokenizer, model);
		const float32 = makeTextSharePayload(t.artifacts, t.prep, demo, 'float32');
		const worst = await classifierParity(t, decodeShareLink(encodeShareLink(float32)));
		expect(worst).toBeLessThan(1e-4);
		const int8 = makeTextSharePayload(t.artifacts, t.prep, demo);
		const decoded = decodeShareLink(encodeShareLink(int8));
		expect(decoded).toEqual(int8);
		const [a, b] = [predictorOf(decoded), predictorOf(float32)];
		const agree = SENTENCES.filter((s) => a.predictText(s).label === b.predictText(s).label).length;
		expect(agree / SENTENCES.length).toBeGreaterThanOrEqual(0.9);
		// "Import into my studio": the new run's Kiln prediction is the link's.
		const imported = await importedModel(decoded);
		expect(imported.text!.model).toMatchObject({ family: model.family, tokenizer: tokenizer.kind });
		const kiln = await kilnPredict(imported.artifacts, SENTENCES);
		let importWorst = 0;
		SENTENCES.forEach((s, i) => {
			const ours = a.predictText(s);
			expect(t.classes[kiln.predicted[i]]).toBe(ours.label);
			importWorst = Math.max(importWorst, maxDiff(ours.probabilities, kiln.probabilities.subarray(i * t.classes.length, (i + 1) * t.classes.length)));
		});
		expect(importWorst).toBeLessThan(1e-4);
		console.log(`${name}: float32 |Δp| ${worst.toExponential(2)}, int8 agrees on ${agree}/${SENTENCES.length}, import |Δp| ${importWorst.toExponential(2)}; int8 link ${sizeOf(int8)}; float16 ${sizeOf(makeTextSharePayload(t.artifacts, t.prep, demo, 'float16'))}`);
	});

	it('a variant picked in the trade-off table (uint8 storage) travels as itself and predicts as Kiln predicts with it', async () => {
		const t = await classifier(BPE, TRANSFORMER, 6);
		const variant = packQuantized(t.artifacts, readWeights(t.artifacts), 'uint8', () => true) as ModelArtifacts;
		const run = textRunWithVariant(t.artifacts, variant);
		const worst = await classifierParity({ ...t, artifacts: run }, decodeShareLink(encodeShareLink(makeTextSharePayload(run, t.prep, demo, 'float32'))));
		expect(worst).toBeLessThan(1e-4);
		// The variant's weights really differ from the run's: the link is not the original model.
		const [own, picked] = await Promise.all([kilnPredict(t.artifacts, SENTENCES), kilnPredict(run, SENTENCES)]);
		expect(maxDiff(own.probabilities, picked.probabilities)).toBeGreaterThan(1e-6);
		expect(() => textRunWithVariant(t.artifacts, { ...variant, weightSpecs: variant.weightSpecs.slice(1), weightData: variant.weightData.slice(t.artifacts.weightSpecs[0].shape.reduce((a, b) => a * b, 1)) })).toThrow(/do not match the run’s network/);
	});

	it('the standalone page (both runtimes embedded by toString) predicts as the library does', async () => {
		const t = await classifier(BPE, TRANSFORMER, 5);
		const decoded = decodeShareLink(encodeShareLink(makeTextSharePayload(t.artifacts, t.prep, demo)));
		const { api } = runPage(parsePage(buildStandalonePage(decoded).html)) as unknown as { api: { predictText(t: string): unknown } };
		const library = predictorOf(decoded);
		for (const s of SENTENCES.slice(0, 8)) expect(JSON.stringify(api.predictText(s))).toBe(JSON.stringify(library.predictText(s)));
	});
});

describe('token taggers in share links (vocabulary and tags from the Brown POS slice, seeded weights)', () => {
	const parsed = parseConll(shippedText('brown-pos.conll'));
	const sentences = parsed.sentences.slice(0, 400);
	const tags = [...new Set(sentences.flatMap((s) => s.tags))].sort();
	const demo = { title: 'POS', description: '', examples: [{ text: 'The jury said it .' }] };
	const typed = parsed.sentences.slice(400, 430).map((s) => s.tokens.join(' '));
	const INPUTS = ['The jury said it did find that many of the voters were unhappy .', 'zzqx blorf went home', '', ...typed];

	it.each([
		['transformer', TRANSFORMER],
		['1-D CNN', { family: 'cnn', embeddingDim: 16, filters: 8, kernelSizes: [3, 5], trainEmbedding: true, dropout: 0 }],
		['bidirectional LSTM', { family: 'rnn', embeddingDim: 12, cell: 'lstm', units: 8, bidirectional: true, trainEmbedding: true, dropout: 0 }],
		['embedding-bag', { family: 'embedding-bag', embeddingDim: 16, hidden: 8, trainEmbedding: true, dropout: 0 }]
	] as [string, TextModelChoice][])('%s tagger: per-token tags as Kiln tags typed text, probabilities within 1e-4; import tags as the link', async (name, model) => {
		const vocabulary = fitWordsTokenizer({ kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 3000, minCount: 1 }, sentences.flatMap((s) => s.tokens));
		const t = await stored(vocabulary, model, tags, 'token', 24);
		const result = { classes: tags };
		const k = tags.length;
		const check = async (payload: SharePayload, artifacts: ModelArtifacts, tol: number) => {
			const kiln = await kilnPredict(artifacts, INPUTS);
			const p = predictorOf(payload);
			let worst = 0;
			let tagged = 0;
			INPUTS.forEach((s, i) => {
				const ours = p.predictText(s);
				expect(ours.tags!.map((x) => x.token)).toEqual(kiln.tokens[i]);
				ours.tags!.forEach((x, j) => {
					const at = i * 24 + j;
					expect(x.tag).toBe(result.classes[kiln.predicted[at]]);
					worst = Math.max(worst, Math.abs(x.probability - kiln.probabilities[at * k + kiln.predicted[at]]));
					tagged++;
				});
			});
			expect(worst).toBeLessThan(tol);
			return { worst, tagged };
		};
		const float32 = decodeShareLink(encodeShareLink(makeTextSharePayload(t.artifacts, t.prep, demo, 'float32')));
		expect(float32.media).toMatchObject({ task: 'token' });
		const first = await check(float32, t.artifacts, 1e-4);
		expect(first.tagged).toBeGreaterThan(300);
		const int8 = decodeShareLink(encodeShareLink(makeTextSharePayload(t.artifacts, t.prep, demo)));
		const imported = await importedModel(int8);
		expect(imported.text!.tagging).toEqual({ sentence: 'sentence' });
		const back = await check(int8, imported.artifacts, 1e-4);
		const sentence = predictorOf(int8).predictText(INPUTS[0]).tags!.map((x) => `${x.token}/${x.tag}`).join(' ');
		// The standalone page tags as the library does and shows the tags as a table of text cells.
		const page = runPage(parsePage(buildStandalonePage(int8).html)) as unknown as { doc: { getElementById(id: string): { textContent: string | null } | null }; api: { predictText(t: string): unknown } };
		for (const s of INPUTS.slice(0, 4)) expect(JSON.stringify(page.api.predictText(s))).toBe(JSON.stringify(predictorOf(int8).predictText(s)));
		expect(page.doc.getElementById('kiln-answer')?.textContent).toContain('One tag per token');
		console.log(`${name} tagger: float32 |Δp| ${first.worst.toExponential(2)} over ${first.tagged} tokens, import |Δp| ${back.worst.toExponential(2)}; int8 link ${sizeOf(int8)}; "${sentence}"`);
	});
});
