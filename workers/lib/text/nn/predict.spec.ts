import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../../../tests/unit-support';
import { encodeLabels } from '../labels';
import { createTokenizer, fitTokenizer } from '../tokenizer';
import { DEFAULT_WORD_OPTIONS } from '../word-tokenizer';
import { predictTextModel } from './predict';
import { encodeTexts } from './sequences';
import { TextModel } from './text-model';
import { trainTextModel } from './train-text';

beforeAll(useCpu);

describe('prediction on bad input', () => {
	const texts = ['good film', 'great film', 'good acting', 'bad film', 'awful film', 'bad acting', 'great cast', 'awful cast'];
	const { classes, y } = encodeLabels(['pos', 'pos', 'pos', 'neg', 'neg', 'neg', 'pos', 'neg']);

	it('answers every text and says what was wrong: empty, 1 MB, undecodable bytes, unseen words, too long', async () => {
		const tokenizer = createTokenizer(fitTokenizer({ kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 100, minCount: 1 }, texts));
		const encoded = encodeTexts(tokenizer, texts, 6);
		const model = new TextModel({ task: 'sequence', family: 'embedding-bag', hidden: 0, vocabularySize: tokenizer.vocabulary.length, classes: 2, maxLength: 6, embeddingDim: 4, trainEmbedding: true, dropout: 0, seed: 1 });
		await trainTextModel(model, { ids: encoded.ids, labels: y, maxLength: 6, train: Int32Array.from(texts.keys()), validation: new Int32Array(0) }, { epochs: 30, batchSize: 8, learningRate: 0.1, patience: 0, clipNorm: 0, seed: 1 });
		// The importer decodes bytes with TextDecoder, which turns invalid UTF-8 into U+FFFD.
		const undecodable = new TextDecoder().decode(Uint8Array.from([0x67, 0x6f, 0x6f, 0x64, 0x20, 0xff, 0xfe, 0x20, 0x66, 0x69, 0x6c, 0x6d]));
		const inputs = ['', null, 'good '.repeat(210_000), undecodable, 'superb cinematography', 'good film good film good film good film'];
		const out = await predictTextModel(model, tokenizer, inputs);
		expect(out.predicted).toHaveLength(inputs.length);
		expect(Array.from(out.probabilities).every(Number.isFinite)).toBe(true);
		expect(classes[out.predicted[3]]).toBe('pos');
		expect(out.tokens[3]).toEqual(['good', 'film']);
		expect(out.issues).toMatchObject({ empty: 2, truncated: 1, replaced: 2, unknownTokens: 2, textsWithUnknown: 1, clipped: 2 });
		const said = out.warnings.join(' ');
		expect(said).toMatch(/2 texts are empty/);
		expect(said).toMatch(/longer than 20,000 characters/);
		expect(said).toMatch(/could not be decoded/);
		expect(said).toMatch(/2 tokens .* not in the training vocabulary and count as \[UNK\]/);
		expect(said).toMatch(/reads only the first 6/);
		// An empty text gets the model's prior: the same answer as any other text without tokens.
		expect(Array.from(out.probabilities.subarray(0, 2))).toEqual(Array.from(out.probabilities.subarray(2, 4)));
		model.dispose();
	});
});
