import { describe, expect, it } from 'vitest';
import { defaultFields, fieldsFromConfig, parseTextFields, switchFamily, taggerFields } from './settings';

describe('text training form', () => {
	it('turns every family’s defaults into a config that round-trips through the form', () => {
		for (const family of ['tfidf', 'embedding-bag', 'cnn', 'rnn', 'transformer'] as const) {
			const { config, problems } = parseTextFields(defaultFields(family), 'text');
			expect(problems, family).toEqual({});
			expect(config?.text?.model.family).toBe(family);
			expect(config?.features).toEqual(['text']);
			const full = { ...config!, target: 'label', task: 'classification' as const };
			expect(parseTextFields(fieldsFromConfig(full)!, 'text').config).toEqual(config);
		}
	});

	it('starts the embedding from the shipped vectors, frozen or fine-tuned, with words of size 100 only', () => {
		const url = 'https://example.test/models/';
		for (const vectors of ['frozen', 'fine-tune']) {
			const { config, problems } = parseTextFields({ ...defaultFields('embedding-bag'), vectors, embeddingDim: '100' }, 'text', url);
			expect(problems).toEqual({});
			const model = config!.text!.model;
			expect(model.family !== 'tfidf' && model.pretrained).toEqual({ url, fineTune: vectors === 'fine-tune' });
			expect(parseTextFields(fieldsFromConfig({ ...config!, target: 'label', task: 'classification' })!, 'text', url).config).toEqual(config);
		}
		expect(parseTextFields({ ...defaultFields('cnn'), vectors: 'frozen' }, 't', url).problems.embeddingDim).toMatch(/set the embedding size to 100/);
		expect(parseTextFields({ ...defaultFields('cnn'), vectors: 'frozen', embeddingDim: '100', tokenizer: 'bpe', vocabularySize: '500' }, 't', url).problems.vectors).toMatch(/word tokeniser/);
	});

	it('gives a tagger the settings that reach the POS bar: a width-3 CNN on frozen GloVe with its whole vocabulary', () => {
		const url = 'https://example.test/models/';
		const { config, problems } = parseTextFields(taggerFields(), 'token', url);
		expect(problems).toEqual({});
		expect(config!.text!.model).toMatchObject({ family: 'cnn', kernelSizes: [3], width: 128, embeddingDim: 100, tokenizer: 'word', vocabularySize: 30000, maxLength: 40, pretrained: { url, fineTune: false } });
		expect(config).toMatchObject({ epochs: 6, learningRate: 0.005, patience: 2, holdoutFraction: 0.1, validationFraction: 0.1 });
		expect(parseTextFields(fieldsFromConfig({ ...config!, target: 'tag', task: 'classification' })!, 'token', url).config).toEqual(config);
	});

	it('names each bad field with what it accepts', () => {
		const f = { ...switchFamily(defaultFields(), 'transformer'), heads: '5', epochs: '0', learningRate: 'fast', maxLength: '9999' };
		const { config, problems } = parseTextFields(f, 'text');
		expect(config).toBeNull();
		expect(problems.heads).toMatch(/multiple of the number of heads/);
		expect(problems.epochs).toMatch(/1 to 500/);
		expect(problems.learningRate).toMatch(/0.00001/);
		expect(problems.maxLength).toMatch(/4 to 512/);
		expect(parseTextFields({ ...switchFamily(defaultFields(), 'cnn'), kernelSizes: '3, x' }, 't').problems.kernelSizes).toMatch(/widths/);
		expect(parseTextFields({ ...defaultFields('rnn'), validationFraction: '0' }, 't').problems.validationFraction).toMatch(/Early stopping/);
		expect(parseTextFields({ ...defaultFields('tfidf'), ngrams: '4' }, 't').problems.ngrams).toMatch(/triples/);
	});
});
