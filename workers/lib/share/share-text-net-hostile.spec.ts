import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { serialiseTextModel } from '$workers/lib/text/nn/serialise';
import { TextModel } from '$workers/lib/text/nn/text-model';
import type { TextModelConfig } from '$workers/lib/text/nn/config';
import { TEXT_RUN_FORMAT } from '$workers/lib/text/text-run';
import { textsAndLabels } from '$workers/lib/text/text.spec-support';
import { DEFAULT_BPE_OPTIONS, fitTokenizer } from '$workers/lib/text/tokenizer';
import { isKind } from '$shared/errors';
import type { Preprocessing } from '$workers/protocol';
import { headOf, makeTextSharePayload } from './media-payload';
import { mediaPredictor } from './page-media';
import { runtime } from './runtime';
import { convRuntime } from './runtime-conv';
import { textRuntime } from './runtime-text';
import { decodeShareLink, packPayload } from './share-link';
import { jsonValue } from './share-arbitraries.spec-support';
import { useCpu } from './share.spec-support';
import type { SharePayload } from './types';
import { linkOf, refused, split } from './link-bytes.spec-support';

beforeAll(useCpu);

/** Hostile transformer / BPE / tagger links: every bad header or byte is a ShareLinkError naming the field. */

const { texts } = textsAndLabels('sentiment.csv', 'text', 'sentiment');
const tokenizer = fitTokenizer({ kind: 'bpe', options: DEFAULT_BPE_OPTIONS, vocabularySize: 400, minFrequency: 2 }, texts.slice(0, 300));
const prep: Preprocessing = { features: [], target: { name: 'sentiment', task: 'classification', classes: ['negative', 'neutral', 'positive'] }, inputSize: 0 };
const demo = { title: 'Sentiment', description: '', examples: [] };

async function payload(task: 'sequence' | 'token'): Promise<SharePayload> {
	const network = new TextModel({ task, family: 'transformer', vocabularySize: tokenizer.vocabulary.length, classes: 3, maxLength: 8, embeddingDim: 8, layers: 1, heads: 2, ffDim: 12, trainEmbedding: true, dropout: 0, seed: 3 } as TextModelConfig);
	const saved = await serialiseTextModel(network);
	network.dispose();
	return makeTextSharePayload({ modelTopology: { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'neural', tokenizer, network: saved.modelTopology }, weightSpecs: saved.weightSpecs, weightData: saved.weightData }, prep, demo);
}

const predictorOf = (p: SharePayload) => mediaPredictor(runtime, convRuntime, textRuntime, headOf(p), p.preprocessing, p.media!, p.demo.labelNames);

type Front = Record<string, unknown> & { bpe: { fallback: string; merges: number }; blocks: Record<string, unknown>[]; vocabulary: string[] };

describe('hostile transformer / BPE / tagger links', () => {
	it('bounds and checks the header and every tensor, naming the field', async () => {
		const { header, tensors } = split(await payload('sequence'));
		const edit = (f: (front: Front) => void, bytes = tensors) => {
			const copy = structuredClone(header) as { model: { front: Front } };
			f(copy.model.front);
			return () => decodeShareLink(linkOf(copy, bytes));
		};
		expect(() => edit(() => {})()).not.toThrow();
		refused(edit((f) => (f.heads = 3)), /heads must divide the embedding size 8/);
		refused(edit((f) => (f.heads = 0)), /heads must be at least 1/);
		refused(edit((f) => (f.ffDim = 100_000)), /ffDim must be at most 16384/);
		refused(edit((f) => (f.blocks = [])), /blocks/);
		refused(edit((f) => (f.blocks = Array.from({ length: 13 }, () => f.blocks[0]))), /blocks has more than 12 items/);
		refused(edit((f) => ((f.blocks[0] as { attention: string[] }).attention = ['int8', 'int8', 'int8'])), /attention/);
		refused(edit((f) => (f.position = 'float64')), /position must be one of/);
		refused(edit((f) => ((f.maxLength = 4096), (f.dim = 1024), (f.heads = 1), (f.ffDim = 4096))), /position table|multiply-adds per text/);
		refused(edit((f) => (f.task = 'sentence')), /task must be one of/);
		refused(edit((f) => (f.bpe.fallback = 'drop')), /bpe.fallback must be one of/);
		refused(edit((f) => (f.bpe.merges = f.vocabulary.length + 1)), /bpe.merges/);
		refused(edit((f) => ([f.vocabulary[2], f.vocabulary[3]] = [f.vocabulary[3], f.vocabulary[2]])), /vocabulary\[2\] must be the byte token <0x00>/);
		refused(edit((f) => (f.extra = 1)), /extra/);
		// A merge naming a vocabulary id past the end: the first merge's left id.
		const bad = tensors.slice();
		new DataView(bad.buffer).setInt32(0, 1_000_000, true);
		refused(edit(() => {}, bad), /bpe.merges\[0\] must be between 0 and/);
		refused(edit(() => {}, tensors.slice(0, tensors.length - 10)), /./);
		const nan = tensors.slice();
		new DataView(nan.buffer).setFloat32(nan.length - 60, NaN, true);
		refused(edit(() => {}, nan), /./);
	});

	it('gives a ShareLinkError, never a crash or hang, for 400 mutated headers and 200 flipped-byte links', async () => {
		let decoded = 0;
		for (const task of ['sequence', 'token'] as const) {
			const p = await payload(task);
			const { header, tensors } = split(p);
			const decodeOrShareError = (code: string): void => {
				try {
					const out = predictorOf(decodeShareLink(code)).predictText('great phone, bad battery 東京 🙂');
					expect(out.probabilities.length).toBeGreaterThan(0);
					decoded++;
				} catch (error) {
					if (!isKind(error, 'ShareLinkError')) throw new Error(`decode threw something other than a ShareLinkError: ${String(error)}`);
				}
			};
			const paths = [['heads'], ['ffDim'], ['blocks'], ['blocks', '0'], ['blocks', '0', 'attention'], ['blocks', '0', 'ff1'], ['position'], ['bpe'], ['bpe', 'merges'], ['bpe', 'fallback'], ['task'], ['maxLength'], ['dim'], ['kind'], ['vocabulary']];
			const value = fc.oneof(jsonValue, fc.integer({ min: -2, max: 5000 }), fc.constantFrom(0, 1, 2, 4, 8, 16, 1e9, -1, 1.5, 'token', 'bytes', 'unk', 'int8', 'float16', 'transformer', 'rnn', [], ['int8', 'int8', 'int8', 'int8']));
			fc.assert(
				fc.property(fc.constantFrom(...paths), value, fc.constantFrom('replace', 'delete'), fc.nat(tensors.length), (path, v, how, cut) => {
					const copy = structuredClone(header) as { model: { front: Record<string, unknown> } };
					let node = copy.model.front as Record<string, unknown>;
					for (const key of path.slice(0, -1)) node = (node?.[key] ?? {}) as Record<string, unknown>;
					if (how === 'replace') node[path[path.length - 1]] = v;
					else delete node[path[path.length - 1]];
					decodeOrShareError(linkOf(copy, cut % 5 === 0 ? tensors.slice(0, cut) : tensors));
				}),
				{ numRuns: 200, seed: task === 'token' ? 21 : 22 }
			);
			const packed = packPayload(p);
			fc.assert(
				fc.property(fc.array(fc.tuple(fc.nat(packed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
					const bytes = packed.slice();
					for (const [at, b] of flips) bytes[at] = b;
					decodeOrShareError(Buffer.from(deflateSync(bytes)).toString('base64url'));
				}),
				{ numRuns: 100, seed: task === 'token' ? 23 : 24 }
			);
		}
		console.log(`transformer/BPE link fuzz: ${decoded} of 600 mutated links still decoded and predicted; the rest gave ShareLinkError`);
	});
});
