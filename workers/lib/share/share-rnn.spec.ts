import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictTextModel } from '$workers/lib/text/nn/predict';
import { serialiseTextModel } from '$workers/lib/text/nn/serialise';
import { TextModel } from '$workers/lib/text/nn/text-model';
import type { TextModelConfig } from '$workers/lib/text/nn/config';
import { createTokenizer, fitTokenizer } from '$workers/lib/text/tokenizer';
import { TEXT_RUN_FORMAT } from '$workers/lib/text/text-run';
import { textsAndLabels } from '$workers/lib/text/text.spec-support';
import { DEFAULT_WORD_OPTIONS } from '$workers/lib/text/word-tokenizer';
import { isKind } from '$shared/errors';
import type { ModelArtifacts, Preprocessing } from '$workers/protocol';
import { headOf, makeTextSharePayload } from './media-payload';
import { mediaPredictor } from './page-media';
import { parsePage, runPage } from './fake-dom.spec-support';
import { runtime } from './runtime';
import { convRuntime } from './runtime-conv';
import { textRuntime } from './runtime-text';
import { decodeShareLink, encodeShareLink, packPayload } from './share-link';
import { buildStandalonePage } from './standalone-page';
import { useCpu } from './share.spec-support';
import type { SharePayload } from './types';
import { jsonValue } from './share-arbitraries.spec-support';
import { linkOf, refused, split } from './link-bytes.spec-support';

beforeAll(useCpu);

/** LSTM / GRU text classifiers in share links: the self-contained runtime against Kiln's tfjs network. */

const { texts } = textsAndLabels('sentiment.csv', 'text', 'sentiment');
const tokenizer = fitTokenizer({ kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 800, minCount: 1 }, texts.slice(0, 600));
const prep: Preprocessing = { features: [], target: { name: 'sentiment', task: 'classification', classes: ['negative', 'neutral', 'positive'] }, inputSize: 0 };
const demo = { title: 'Sentiment', description: '', examples: [{ text: 'great phone' }] };
const long = Array.from({ length: 16 }, (_, i) => (i % 3 ? 'battery' : 'great')).join(' ');
const SENTENCES = ['The battery lasts all day and the screen is great!', 'Terrible. It broke after two days, a waste of money.', 'zzqx blorf qqwv', '', 'ok', long, ...texts.slice(600, 640).map((t) => t ?? '')];

async function run(config: Partial<TextModelConfig>) {
	const full = { task: 'sequence', family: 'rnn', vocabularySize: tokenizer.vocabulary.length, classes: 3, maxLength: 12, embeddingDim: 12, trainEmbedding: true, dropout: 0, seed: 4, cell: 'lstm', units: 10, bidirectional: false, ...config } as TextModelConfig;
	const network = new TextModel(full);
	const saved = await serialiseTextModel(network);
	const artifacts: ModelArtifacts = { modelTopology: { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'neural', tokenizer, network: saved.modelTopology }, weightSpecs: saved.weightSpecs, weightData: saved.weightData };
	const kiln = await predictTextModel(network, createTokenizer(tokenizer), SENTENCES);
	network.dispose();
	return { artifacts, kiln };
}

const predictorOf = (p: SharePayload) => mediaPredictor(runtime, convRuntime, textRuntime, headOf(p), p.preprocessing, p.media!, p.demo.labelNames);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	let m = 0;
	for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
	return m;
}

describe('LSTM / GRU text links against Kiln (seeded weights)', () => {
	for (const [name, config] of [
		['LSTM', { cell: 'lstm', bidirectional: false }],
		['bidirectional LSTM', { cell: 'lstm', bidirectional: true, units: 7 }],
		['GRU', { cell: 'gru', bidirectional: false }],
		['bidirectional GRU', { cell: 'gru', bidirectional: true, units: 6 }]
	] as const) {
		it(`${name}: same top-1 and probabilities within 1e-4 (float32); the int8 link round-trips and keeps top-1 on most texts`, async () => {
			const { artifacts, kiln } = await run(config);
			const p = predictorOf(makeTextSharePayload(artifacts, prep, demo, 'float32'));
			// The seeded network is not flat: texts get different probabilities, so the comparison has teeth.
			const first = kiln.probabilities.subarray(0, 3);
			expect(Math.max(...SENTENCES.map((_, i) => maxDiff(kiln.probabilities.subarray(i * 3, i * 3 + 3), first)))).toBeGreaterThan(2e-3);
			SENTENCES.forEach((s, i) => {
				const ours = p.predictText(s);
				expect(maxDiff(ours.probabilities, kiln.probabilities.subarray(i * 3, i * 3 + 3))).toBeLessThan(1e-4);
				expect(ours.label).toBe(prep.target.task === 'classification' ? prep.target.classes[kiln.predicted[i]] : '');
			});
			expect(p.predictText(long).warnings.join(' ')).toMatch(/reads only the first 12/);
			expect(p.predictText('zzqx blorf').warnings.join(' ')).toMatch(/2 of 2 tokens were not in the training vocabulary/);
			const int8 = makeTextSharePayload(artifacts, prep, demo);
			const decoded = decodeShareLink(encodeShareLink(int8));
			expect(decoded).toEqual(int8);
			expect(decoded.media).toMatchObject({ kind: 'rnn', cell: config.cell, directions: { length: config.bidirectional ? 2 : 1 } });
			const q = predictorOf(decoded);
			let agree = 0;
			SENTENCES.forEach((s) => (agree += q.predictText(s).label === p.predictText(s).label ? 1 : 0));
			expect(agree / SENTENCES.length).toBeGreaterThanOrEqual(0.9);
		});
	}

	it('the standalone page (runtime embedded by toString) predicts as the library does', async () => {
		const { artifacts } = await run({ cell: 'gru', bidirectional: true, units: 6 });
		const decoded = decodeShareLink(encodeShareLink(makeTextSharePayload(artifacts, prep, demo)));
		const { api } = runPage(parsePage(buildStandalonePage(decoded).html)) as unknown as { api: { predictText(t: string): { label: string; probabilities: number[] } } };
		const library = predictorOf(decoded);
		for (const s of SENTENCES.slice(0, 8)) expect(JSON.stringify(api.predictText(s))).toBe(JSON.stringify(library.predictText(s)));
	});
});

describe('hostile LSTM / GRU links end in a ShareLinkError', () => {
	type Front = { maxLength: number; dim: number; units: number; cell: string; directions: Record<string, unknown>[] };
	it('bounds the header (cell, units, directions, cost per text) and checks every tensor', async () => {
		const { artifacts } = await run({ cell: 'gru', bidirectional: true, units: 6 });
		const { header, tensors } = split(makeTextSharePayload(artifacts, prep, demo));
		const edit = (f: (front: Front) => void, bytes = tensors) => {
			const copy = structuredClone(header) as { model: { front: Front } };
			f(copy.model.front);
			return () => decodeShareLink(linkOf(copy, bytes));
		};
		refused(edit((f) => (f.cell = 'rnn')), /cell must be one of/);
		refused(edit((f) => (f.units = 5000)), /units must be at most 1024/);
		refused(edit((f) => (f.units = 0)), /units must be at least 1/);
		refused(edit((f) => (f.directions = [...f.directions, f.directions[0]])), /directions has more than 2 items/);
		refused(edit((f) => (f.directions = [])), /directions/);
		refused(edit((f) => (f.directions[0] = { w: 'int8' })), /directions\[0\]/);
		refused(edit((f) => ((f.maxLength = 4096), (f.dim = 1024), (f.units = 1024))), /multiply-adds per text/);
		// One unit more than the weights hold: the tensors run out (or the head no longer fits).
		refused(edit((f) => (f.units = 7)), /./);
		refused(edit(() => {}, tensors.slice(0, tensors.length - 40)), /./);
		const nan = tensors.slice();
		// The first float after the int8 embedding and its scales is the forward w; poison a bias far in.
		new DataView(nan.buffer).setFloat32(nan.length - 8, NaN, true);
		refused(edit(() => {}, nan), /./);
	});

	it('gives a ShareLinkError, never a crash or hang, for 500 mutated recurrent headers and 200 flipped-byte links', async () => {
		const { artifacts } = await run({ cell: 'lstm', bidirectional: true, units: 5 });
		const payload = makeTextSharePayload(artifacts, prep, demo);
		const { header, tensors } = split(payload);
		const decodeOrShareError = (code: string): boolean => {
			try {
				const p = decodeShareLink(code);
				const out = predictorOf(p).predictText('great phone, bad battery');
				expect(out.probabilities.length).toBeGreaterThan(0);
				return true;
			} catch (error) {
				if (!isKind(error, 'ShareLinkError')) throw new Error(`decode threw something other than a ShareLinkError: ${String(error)}`);
				return false;
			}
		};
		const front = (header as { model: { front: Record<string, unknown> } }).model.front;
		const paths = [['cell'], ['units'], ['directions'], ['directions', '0'], ['directions', '0', 'w'], ['directions', '1', 'u'], ['maxLength'], ['dim'], ['embedding'], ['kind'], ['vocabulary']];
		const value = fc.oneof(jsonValue, fc.integer({ min: -2, max: 5000 }), fc.constantFrom(0, 1, 2, 4, 5, 6, 1024, 1025, 1e9, -1, 1.5, 'lstm', 'gru', 'int8', 'float32', 'rnn', 'cnn', [], [{ w: 'int8', u: 'int8' }]));
		let decoded = 0;
		fc.assert(
			fc.property(fc.constantFrom(...paths), value, fc.constantFrom('replace', 'delete'), fc.nat(tensors.length), (path, v, how, cut) => {
				const copy = structuredClone(header) as { model: { front: Record<string, unknown> } };
				let node = copy.model.front as Record<string, unknown>;
				for (const key of path.slice(0, -1)) node = (node?.[key] ?? {}) as Record<string, unknown>;
				if (how === 'replace') node[path[path.length - 1]] = v;
				else delete node[path[path.length - 1]];
				if (decodeOrShareError(linkOf(copy, cut % 5 === 0 ? tensors.slice(0, cut) : tensors))) decoded++;
			}),
			{ numRuns: 500, seed: 11 }
		);
		const packed = packPayload(payload);
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.nat(packed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
				const bytes = packed.slice();
				for (const [at, b] of flips) bytes[at] = b;
				if (decodeOrShareError(Buffer.from(deflateSync(bytes)).toString('base64url'))) decoded++;
			}),
			{ numRuns: 200, seed: 12 }
		);
		expect(front.kind).toBe('rnn');
		console.log(`recurrent link fuzz: ${decoded} of 700 mutated links still decoded and predicted; the rest gave ShareLinkError`);
	});
});
