import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '$shared/errors';
import { serializeModel } from '$workers/lib/model';
import { buildCnn } from '$workers/lib/vision/cnn';
import { trainTextLinear } from '$workers/lib/text/linear-text';
import { TEXT_RUN_FORMAT } from '$workers/lib/text/text-run';
import { DEFAULT_WORD_OPTIONS } from '$workers/lib/text/word-tokenizer';
import { headOf, makeImageSharePayload, makeTextSharePayload } from './media-payload';
import { mediaPredictor } from './page-media';
import { runtime } from './runtime';
import { convRuntime } from './runtime-conv';
import { textRuntime } from './runtime-text';
import { jsonValue } from './share-arbitraries.spec-support';
import { decodeShareLink, encodeShareLink, packPayload } from './share-link';
import { useCpu } from './share.spec-support';
import { serialiseTextModel } from '$workers/lib/text/nn/serialise';
import { TextModel } from '$workers/lib/text/nn/text-model';
import { fitTokenizer } from '$workers/lib/text/tokenizer';
import { parsePage, runPage } from './fake-dom.spec-support';
import { buildStandalonePage } from './standalone-page';
import type { SharePayload } from './types';
import { linkOf, split } from './link-bytes.spec-support';

beforeAll(useCpu);

/** A decoded link must predict; anything else must be a ShareLinkError. */
function decodeOrShareError(code: string): boolean {
	try {
		const p = decodeShareLink(code);
		if (p.media) {
			const predictor = mediaPredictor(runtime, convRuntime, textRuntime, headOf(p), p.preprocessing, p.media);
			const out = p.media.kind === 'image' ? predictor.predictPixels(new Uint8Array(p.media.height * p.media.width * p.media.channels).fill(128)) : predictor.predictText('great phone, bad battery');
			if (out.probabilities.some((v) => !Number.isFinite(v)) && out.probabilities.length > 0) return true;
		}
		return true;
	} catch (error) {
		if (!(error instanceof KilnError) || error.name !== 'ShareLinkError') throw new Error(`decode threw something other than a ShareLinkError: ${String(error)}`);
		return false;
	}
}

const demo = { title: 'Demo', description: '', examples: [] };
let image: SharePayload;
let text: SharePayload;
beforeAll(async () => {
	const cnn = buildCnn({ input: { height: 8, width: 8, channels: 1 }, classes: 3, layers: [{ type: 'conv2d', filters: 3, kernel: 3, activation: 'relu' }, { type: 'batchNorm' }, { type: 'depthwiseConv2d', kernel: 2, padding: 'valid' }, { type: 'maxPool', size: 2 }, { type: 'flatten' }, { type: 'dense', units: 4, activation: 'relu' }] }, 2);
	image = makeImageSharePayload(await serializeModel(cnn), { features: [], target: { name: 'label', task: 'classification', classes: ['a', 'b', 'c'] }, inputSize: 64, image: { height: 8, width: 8, channels: 1 } }, demo);
	cnn.dispose();
	const texts = ['great phone', 'bad battery', 'great screen', 'bad phone, awful'];
	const linear = trainTextLinear(texts, Int32Array.from([1, 0, 1, 0]), ['neg', 'pos'], { kind: 'logistic', tfidf: { tokenizer: DEFAULT_WORD_OPTIONS, maxFeatures: 50, minDf: 1, ngrams: 1, sublinear: false }, l2: 'auto', maxIterations: 30, alpha: 1 });
	text = makeTextSharePayload({ modelTopology: { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'linear', linear }, weightSpecs: [], weightData: new ArrayBuffer(0) }, { features: [], target: { name: 'label', task: 'classification', classes: ['neg', 'pos'] }, inputSize: 0 }, { ...demo, examples: [{ text: 'great' }] });
});

describe('hostile image and text links', () => {
	it('round-trips both kinds; the image page predicts like the library under a CSP that allows no image source', () => {
		expect(decodeShareLink(encodeShareLink(image))).toEqual(image);
		expect(decodeShareLink(encodeShareLink(text))).toEqual(text);
		const parsed = parsePage(buildStandalonePage(image).html);
		expect(parsed.csp).toMatch(/^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; img-src 'none'; base-uri 'none'; form-action 'none'$/);
		expect(parsed.scriptTags).toBe(2);
		const { api, doc } = runPage(parsed) as unknown as { api: { predictPixels(p: Uint8Array): unknown }; doc: ReturnType<typeof runPage>['doc'] };
		const library = mediaPredictor(runtime, convRuntime, textRuntime, headOf(image), image.preprocessing, image.media!);
		for (let seed = 0; seed < 5; seed++) {
			const pixels = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + seed * 101) % 256);
			expect(JSON.stringify(api.predictPixels(pixels))).toBe(JSON.stringify(library.predictPixels(pixels)));
		}
		expect(doc.app.find((e) => e.tagName === 'input')!.attributes.get('accept')).toBe('image/*');
	});

	it('gives ShareLinkError, never a crash or hang, for 6,000 mutated image and text headers and flipped bytes', () => {
		let decoded = 0;
		for (const payload of [image, text]) {
			const { header, tensors } = split(payload);
			const paths = (value: unknown, prefix: string[] = []): string[][] =>
				typeof value === 'object' && value !== null ? Object.keys(value).flatMap((k) => [[...prefix, k], ...paths((value as Record<string, unknown>)[k], [...prefix, k])]) : [];
			const all = paths(header).filter((p) => p[0] === 'model' || p[0] === 'preprocessing');
			// Numbers near the limits as well as any JSON value, so sizes are pushed where they matter.
			const value = fc.oneof(jsonValue, fc.integer({ min: -2, max: 5000 }), fc.constantFrom(0, 1, 3, 255, 256, 257, 1e9, -1, 1.5, 'same', 'valid', 'int8', 'float32', 'image', 'text', 'layers', 'tfidf', 'embedding-bag'));
			fc.assert(
				fc.property(fc.constantFrom(...all), value, fc.constantFrom('replace', 'delete', 'add'), fc.nat(tensors.length), (path, v, how, cut) => {
					const copy = structuredClone(header);
					let node = copy as Record<string, unknown>;
					for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
					const last = path[path.length - 1];
					if (how === 'replace') node[last] = v;
					else if (how === 'delete') delete node[last];
					else node[`${last}_extra`] = v;
					if (decodeOrShareError(linkOf(copy, cut % 5 === 0 ? tensors.slice(0, cut) : tensors))) decoded++;
				}),
				{ numRuns: 2000, seed: 5 }
			);
			const packed = packPayload(payload);
			fc.assert(
				fc.property(fc.array(fc.tuple(fc.nat(packed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
					const bytes = packed.slice();
					for (const [i, v] of flips) bytes[i] = v;
					if (decodeOrShareError(Buffer.from(deflateSync(bytes)).toString('base64url'))) decoded++;
				}),
				{ numRuns: 1000, seed: 6 }
			);
		}
		expect(decoded).toBeGreaterThan(20);
		console.log(`media fuzz: ${decoded} of 6000 mutated links still decoded and predicted; the rest gave ShareLinkError`);
	});

	it('names the limit a hostile header breaks', () => {
		const { header, tensors } = split(image);
		const edit = (f: (h: { model: { kind?: string; front: { height: number; layers: Record<string, unknown>[] } } }) => void) => {
			const copy = structuredClone(header) as Parameters<typeof f>[0];
			f(copy);
			return () => decodeShareLink(linkOf(copy, tensors));
		};
		expect(edit((h) => (h.model.front.layers[0].kh = 99))).toThrow(/kh must be at most 11/);
		expect(edit((h) => (h.model.front.layers[0].filters = 5000))).toThrow(/filters must be at most 1024/);
		expect(edit((h) => (h.model.front.height = 100000))).toThrow(/height must be at most 256/);
		expect(edit((h) => (h.model.front.layers[0].kh = 11))).toThrow(/This share link is damaged or was not made by Kiln/);
		expect(edit((h) => (h.model.front.layers = h.model.front.layers.slice(0, 1)))).toThrow(/must flatten or globally pool/);
		expect(edit((h) => (h.model.kind = 'sound'))).toThrow(/This share link is damaged or was not made by Kiln/);
		// A format-1 container knows no kinds.
		expect(() => decodeShareLink(linkOf(header, tensors, 1))).toThrow(/unexpected field "(kind|front|image)"/);
		const t = split(text);
		const big = structuredClone(t.header) as { model: { front: { terms: string[]; rules: { maxChars: number } } } };
		big.model.front.terms[0] = 'x'.repeat(201);
		expect(() => decodeShareLink(linkOf(big, t.tensors))).toThrow(/at most 200 characters/);
		const nan = t.tensors.slice();
		new DataView(nan.buffer).setFloat32(0, NaN, true);
		expect(() => decodeShareLink(linkOf(t.header, nan))).toThrow(/model\.front\.idf\[0\]/);
	});

	it('bounds a text CNN header: kernel widths, filters and the cost per text', async () => {
		const tokenizer = fitTokenizer({ kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 50, minCount: 1 }, ['great phone', 'bad battery', 'great screen']);
		const network = new TextModel({ task: 'sequence', family: 'cnn', vocabularySize: tokenizer.vocabulary.length, classes: 2, maxLength: 6, embeddingDim: 4, trainEmbedding: true, dropout: 0, seed: 1, filters: 3, kernelSizes: [2, 3] });
		const saved = await serialiseTextModel(network);
		network.dispose();
		const cnn = makeTextSharePayload({ modelTopology: { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'neural', tokenizer, network: saved.modelTopology }, weightSpecs: saved.weightSpecs, weightData: saved.weightData }, { features: [], target: { name: 'label', task: 'classification', classes: ['neg', 'pos'] }, inputSize: 0 }, demo);
		expect(decodeShareLink(encodeShareLink(cnn))).toEqual(cnn);
		const { header, tensors } = split(cnn);
		const edit = (f: (h: { model: { front: { maxLength: number; dim: number; convs: { k: number; filters: number; kernel?: string }[] } } }) => void) => {
			const copy = structuredClone(header) as Parameters<typeof f>[0];
			f(copy);
			return () => decodeShareLink(linkOf(copy, tensors));
		};
		expect(edit((h) => (h.model.front.convs[0].k = 65))).toThrow(/convs\[0\]\.k must be at most 64/);
		expect(edit((h) => (h.model.front.convs[1].filters = 5000))).toThrow(/filters must be at most 1024/);
		expect(edit((h) => ((h.model.front.maxLength = 4096), (h.model.front.dim = 1024), (h.model.front.convs = [{ k: 64, filters: 1024, kernel: 'int8' }])))).toThrow(/multiply-adds per text/);
		expect(edit((h) => (h.model.front.convs = Array.from({ length: 9 }, () => ({ k: 2, filters: 3, kernel: 'int8' }))))).toThrow(/has more than 8 items/);
	});
});
