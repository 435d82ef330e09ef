import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../../../tests/unit-support';
import { DEFAULT_WORD_OPTIONS } from '../word-tokenizer';
import { loadTextModel } from './serialise';
import { trainTagger, trainTextClassifier, type TextRunConfig } from './run';
import { predictTextModel } from './predict';
import { createTokenizer } from '../tokenizer';
import { shippedVectors } from '../text.spec-support';

beforeAll(useCpu);

const config: TextRunConfig = {
	tokenizer: { kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 500, minCount: 1 },
	maxLength: 8,
	model: { family: 'embedding-bag', hidden: 0, embeddingDim: 100, trainEmbedding: false, dropout: 0 },
	pretrained: true,
	train: { epochs: 40, batchSize: 16, learningRate: 0.05, patience: 0, clipNorm: 0, seed: 4 },
	holdoutFraction: 0.25,
	validationFraction: 0
};

describe('one-call runs for the worker', () => {
	const vectors = shippedVectors();

	it('trains a classifier from texts and labels; frozen GloVe vectors carry it to words no training text has', async () => {
		const positive = ['great', 'excellent', 'wonderful', 'superb', 'good', 'fantastic', 'brilliant', 'lovely'];
		const negative = ['terrible', 'awful', 'horrible', 'bad', 'poor', 'dreadful', 'lousy', 'disappointing'];
		const texts = [...positive, ...negative].map((w) => `the film was ${w}`);
		const labels = [...positive.map(() => 'pos'), ...negative.map(() => 'neg'), null];
		const result = await trainTextClassifier([...texts, 'no label here'], labels, config, { vectors });
		expect(result.classes).toEqual(['neg', 'pos']);
		expect(result.droppedRows).toBe(1);
		expect(result.trainRows + result.holdoutRows).toBe(16);
		expect(result.warnings.join(' ')).toMatch(/start from a pretrained vector/);
		const model = loadTextModel(result.model);
		const tokenizer = createTokenizer(result.tokenizer);
		const out = await predictTextModel(model, tokenizer, ['the film was amazing', 'the film was boring']);
		// Neither word is in any training text ("marvellous" would be: not among GloVe's top 20k); their frozen GloVe vectors decide.
		expect(out.issues.unknownTokens).toBe(0);
		expect(Array.from(out.predicted, (p) => result.classes[p])).toEqual(['pos', 'neg']);
		model.dispose();
		expect(result.metrics.support).toBe(result.holdoutRows);
		expect(result.metrics.accuracy).toBe(1);
	});

	it('trains a tagger from tagged sentences and scores held-out tokens', async () => {
		const sentences = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? { tokens: ['the', 'dog', 'runs'], tags: ['DET', 'NOUN', 'VERB'] } : { tokens: ['a', 'cat', 'sleeps'], tags: ['DET', 'NOUN', 'VERB'] }));
		const result = await trainTagger(sentences, ['DET', 'NOUN', 'VERB'], { ...config, model: { family: 'rnn', cell: 'gru', units: 8, bidirectional: false, embeddingDim: 100, trainEmbedding: false, dropout: 0 }, train: { ...config.train, epochs: 15 } }, { vectors });
		expect(result.metrics.support).toBe(result.holdoutRows * 3);
		expect(result.metrics.accuracy).toBe(1);
		await expect(trainTagger(sentences, ['DET'], config)).rejects.toThrow(/at least two tags/);
	});
});
