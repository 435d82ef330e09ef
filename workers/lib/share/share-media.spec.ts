import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '$shared/errors';
import { predictTextLinear, trainTextLinear } from '$workers/lib/text/linear-text';
import { predictTextModel } from '$workers/lib/text/nn/predict';
import { serialiseTextModel } from '$workers/lib/text/nn/serialise';
import { TextModel } from '$workers/lib/text/nn/text-model';
import { createTokenizer, fitTokenizer } from '$workers/lib/text/tokenizer';
import { TEXT_RUN_FORMAT, type TextRunTopology } from '$workers/lib/text/text-run';
import { textsAndLabels } from '$workers/lib/text/text.spec-support';
import { DEFAULT_WORD_OPTIONS } from '$workers/lib/text/word-tokenizer';
import type { ModelArtifacts, Preprocessing } from '$workers/protocol';
import { headOf, makeTextSharePayload } from './media-payload';
import { mediaPredictor } from './page-media';
import { parsePage, runPage } from './fake-dom.spec-support';
import { createPredictor, runtime } from './runtime';
import { convRuntime } from './runtime-conv';
import { textRuntime } from './runtime-text';
import { decodeShareLink, encodeShareLink } from './share-link';
import { buildStandalonePage } from './standalone-page';
import { useCpu } from './share.spec-support';
import type { ModelDescription, SharePayload } from './types';

beforeAll(useCpu);

const SENTENCES = ['The battery lasts all day and the screen is great!', 'Terrible. It broke after two days, a waste of money.', 'Not bad for the price, 10/10 would buy again 🙂', 'zzqx blorf qqwv', ''];

function predictorOf(p: SharePayload) {
	return mediaPredictor(runtime, convRuntime, textRuntime, headOf(p), p.preprocessing, p.media!, p.demo.labelNames);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	let m = 0;
	for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
	return m;
}

describe('text share links against Kiln', () => {
	const { texts, labels } = textsAndLabels('sentiment.csv', 'text', 'sentiment');
	const train = texts.slice(0, 600);
	const classes = [...new Set(labels)].sort();
	const y = Int32Array.from(labels.slice(0, 600), (l) => classes.indexOf(l));
	const prep: Preprocessing = { features: [], target: { name: 'sentiment', task: 'classification', classes }, inputSize: 0 };
	const demo = { title: 'Sentiment', description: 'Is a review positive?', examples: [{ text: SENTENCES[0] }, { text: SENTENCES[1] }] };

	for (const kind of ['logistic', 'naive-bayes'] as const) {
		it(`TF-IDF + ${kind}: same top-1 and probabilities within 1e-4 (float32); the link round-trips; int8 keeps top-1`, () => {
			const model = trainTextLinear(train, y, classes, { kind, tfidf: { tokenizer: DEFAULT_WORD_OPTIONS, maxFeatures: 3000, minDf: 1, ngrams: 2, sublinear: true }, l2: 'auto', maxIterations: 100, alpha: 1 });
			const topology: TextRunTopology = { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'linear', linear: model };
			const artifacts: ModelArtifacts = { modelTopology: topology, weightSpecs: [], weightData: new ArrayBuffer(0) };
			const kiln = predictTextLinear(model, SENTENCES);
			const float = makeTextSharePayload(artifacts, prep, demo, 'float32');
			const p = predictorOf(float);
			SENTENCES.forEach((s, i) => {
				const ours = p.predictText(s);
				expect(maxDiff(ours.probabilities, kiln.probabilities.subarray(i * classes.length, (i + 1) * classes.length))).toBeLessThan(1e-4);
				expect(ours.label).toBe(classes[kiln.predicted[i]]);
			});
			expect(p.predictText(SENTENCES[3]).warnings.join(' ')).toMatch(/3 of 3 tokens were not in the training vocabulary/);
			expect(p.predictText('').warnings.join(' ')).toMatch(/no words/);

			const int8 = makeTextSharePayload(artifacts, prep, demo);
			const code = encodeShareLink(int8);
			const decoded = decodeShareLink(code);
			expect(decoded).toEqual(int8);
			const q = predictorOf(decoded);
			let agree = 0;
			const holdout = texts.slice(600, 800);
			for (const t of holdout) if (q.predictText(t ?? '').label === p.predictText(t ?? '').label) agree++;
			expect(agree / holdout.length).toBeGreaterThanOrEqual(0.98);
			console.log(`TF-IDF ${kind}: ${model.tfidf.terms.length} terms, int8 link ${code.length} chars, int8 agrees with float32 on ${agree}/${holdout.length} holdout texts`);
		});
	}

	it('embedding-bag network (seeded weights): same top-1 and probabilities within 1e-4 (float32); int8 link round-trips and predicts in the standalone page', async () => {
		// A seeded network (its initial weights): the forward pass is what the parity checks, and
		// training it here cost minutes on the shared CPU.
		const tokenizer = fitTokenizer({ kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 800, minCount: 1 }, train);
		const network = new TextModel({ task: 'sequence', family: 'embedding-bag', vocabularySize: tokenizer.vocabulary.length, classes: 2, maxLength: 12, embeddingDim: 24, trainEmbedding: true, dropout: 0, seed: 5, hidden: 16 });
		const saved = await serialiseTextModel(network);
		const run = { classes, tokenizer };
		const topology: TextRunTopology = { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'neural', tokenizer, network: saved.modelTopology };
		const artifacts: ModelArtifacts = { modelTopology: topology, weightSpecs: saved.weightSpecs, weightData: saved.weightData };
		const kiln = await predictTextModel(network, createTokenizer(tokenizer), SENTENCES);
		network.dispose();
		const runPrep: Preprocessing = { ...prep, target: { name: 'sentiment', task: 'classification', classes: run.classes } };
		const p = predictorOf(makeTextSharePayload(artifacts, runPrep, demo, 'float32'));
		const k = run.classes.length;
		SENTENCES.forEach((s, i) => {
			const ours = p.predictText(s);
			expect(maxDiff(ours.probabilities, kiln.probabilities.subarray(i * k, (i + 1) * k))).toBeLessThan(1e-4);
			expect(ours.label).toBe(run.classes[kiln.predicted[i]]);
		});
		const long = Array.from({ length: 20 }, () => 'great').join(' ');
		expect(p.predictText(long).warnings.join(' ')).toMatch(/reads only the first 12/);

		const int8 = makeTextSharePayload(artifacts, runPrep, demo);
		const decoded = decodeShareLink(encodeShareLink(int8));
		expect(decoded).toEqual(int8);
		const page = buildStandalonePage(decoded);
		const parsed = parsePage(page.html);
		expect(parsed.csp).toContain("img-src 'none'");
		const { api, doc } = runPage(parsed) as unknown as { api: { predictText(t: string): { label: string; probabilities: number[] } }; doc: ReturnType<typeof runPage>['doc'] };
		const library = predictorOf(decoded);
		for (const s of SENTENCES) expect(JSON.stringify(api.predictText(s))).toBe(JSON.stringify(library.predictText(s)));
		// The first example is shown straight away; the second button shows the library's answer.
		doc.app.find((e) => e.tagName === 'button' && e.textContent === 'Example 2')!.dispatch('click');
		expect(doc.getElementById('kiln-answer')!.textContent).toBe(library.predictText(SENTENCES[1]).label);
	}, 60_000);

	it('1-D CNN network (seeded weights, kernels 2, 3 and 5): same top-1 and probabilities within 1e-4 (float32), through the int8 link too', async () => {
		const tokenizer = fitTokenizer({ kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 800, minCount: 1 }, train);
		const network = new TextModel({ task: 'sequence', family: 'cnn', vocabularySize: tokenizer.vocabulary.length, classes: 2, maxLength: 10, embeddingDim: 16, trainEmbedding: true, dropout: 0, seed: 9, filters: 6, kernelSizes: [2, 3, 5] });
		const saved = await serialiseTextModel(network);
		const artifacts: ModelArtifacts = { modelTopology: { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'neural', tokenizer, network: saved.modelTopology }, weightSpecs: saved.weightSpecs, weightData: saved.weightData };
		const long = Array.from({ length: 14 }, (_, i) => (i % 2 ? 'battery' : 'great')).join(' ');
		const sentences = [...SENTENCES, long, 'ok'];
		const kiln = await predictTextModel(network, createTokenizer(tokenizer), sentences);
		network.dispose();
		const p = predictorOf(makeTextSharePayload(artifacts, prep, demo, 'float32'));
		sentences.forEach((s, i) => {
			const ours = p.predictText(s);
			expect(maxDiff(ours.probabilities, kiln.probabilities.subarray(i * 2, i * 2 + 2))).toBeLessThan(1e-4);
			expect(ours.label).toBe(classes[kiln.predicted[i]]);
		});
		expect(p.predictText(long).warnings.join(' ')).toMatch(/reads only the first 10/);
		const int8 = makeTextSharePayload(artifacts, prep, demo);
		const decoded = decodeShareLink(encodeShareLink(int8));
		expect(decoded).toEqual(int8);
		expect(decoded.media?.kind).toBe('cnn');
	});

	it('refuses networks the runtime cannot run by name, and stored runs missing a weight by its name', () => {
		const topology = (family: string) => ({ format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'neural', tokenizer: { kind: 'word', options: DEFAULT_WORD_OPTIONS, vocabulary: ['[PAD]', '[UNK]', 'a'] }, network: { format: 'kiln-text-model', version: 1, config: { task: 'sequence', family, embeddingDim: 2, maxLength: 4, classes: 3, layers: 1, heads: 1, ffDim: 2 } } });
		expect(() => makeTextSharePayload({ modelTopology: topology('mamba'), weightSpecs: [], weightData: new ArrayBuffer(0) }, prep, demo)).toThrow(/this run is a mamba network/);
		expect(() => makeTextSharePayload({ modelTopology: topology('transformer'), weightSpecs: [], weightData: new ArrayBuffer(0) }, prep, demo)).toThrow(/no weight "embedding"/);
	});
});

describe('format 1 links keep decoding', () => {
	it('a format-1 link written before image and text kinds decodes and predicts', () => {
		const code = readFileSync(new URL('./fixtures/share-link-v1.txt', import.meta.url), 'utf8').trim();
		const payload = decodeShareLink(code);
		expect(payload.formatVersion).toBe(1);
		expect(payload.media).toBeUndefined();
		const prediction = createPredictor(payload.model as ModelDescription, payload.preprocessing).predict(payload.demo.examples[0] ?? {});
		expect(payload.preprocessing.target.task === 'classification' && payload.preprocessing.target.classes).toContain(prediction.label);
	});

});
