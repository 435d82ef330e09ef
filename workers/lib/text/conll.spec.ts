import { describe, expect, it } from 'vitest';
import { parseConll } from './conll';
import { encodeTagged } from './nn/sequences';
import { fitWordsTokenizer } from './tokenizer';
import { DEFAULT_WORD_OPTIONS } from './word-tokenizer';
import { shippedText } from './text.spec-support';

describe('CoNLL-style tagged text', () => {
	it('reads two-column files with comments, and CoNLL-U (FORM, UPOS; ranges skipped)', () => {
		const two = parseConll('# a comment\nThe\tDET\ncat\tNOUN\n\nRuns VERB\n');
		expect(two.sentences).toEqual([{ tokens: ['The', 'cat'], tags: ['DET', 'NOUN'] }, { tokens: ['Runs'], tags: ['VERB'] }]);
		expect(two.tags).toEqual(['DET', 'NOUN', 'VERB']);
		const u = parseConll(['# sent_id = 1', "1-2\tdon't\t_\t_\t_\t_\t_\t_\t_\t_", '1\tdo\tdo\tAUX\t_\t_\t0\t_\t_\t_', "2\tn't\tnot\tPART\t_\t_\t1\t_\t_\t_", '3\tgo\tgo\tVERB\t_\t_\t1\t_\t_\t_', ''].join('\n'));
		expect(u.format).toBe('conll-u');
		expect(u.sentences[0]).toEqual({ tokens: ['do', "n't", 'go'], tags: ['AUX', 'PART', 'VERB'] });
	});

	it('names the line of a malformed entry', () => {
		expect(() => parseConll('a\tX\nb\tY\tZ\n', 'tags.conll')).toThrow(/tags.conll, line 2: expected "token<TAB>tag"/);
		expect(() => parseConll('a\tX\na\tX\n')).toThrow(/only one tag/);
		expect(() => parseConll('\n# only\n')).toThrow(/holds no tagged tokens/);
	});

	it('reads the shipped Brown subset: 4,000 sentences in the 12 universal tags', () => {
		const brown = parseConll(shippedText('brown-pos.conll'));
		expect(brown.sentences).toHaveLength(4000);
		expect(brown.tokens).toBe(73_332);
		expect([...brown.tags].sort()).toEqual(['.', 'ADJ', 'ADP', 'ADV', 'CONJ', 'DET', 'NOUN', 'NUM', 'PRON', 'PRT', 'VERB', 'X']);
	});

	it('encodes tagged sentences with aligned tags, pretrained words after training words, unknowns counted', () => {
		const state = fitWordsTokenizer({ kind: 'word', options: DEFAULT_WORD_OPTIONS, maxVocabulary: 10, minCount: 1 }, ['The', 'cat', 'the'], ['dog', 'the']);
		expect(state.vocabulary).toEqual(['[PAD]', '[UNK]', 'the', 'cat', 'dog']);
		const e = encodeTagged(state, [{ tokens: ['The', 'dog', 'barked', '!'], tags: ['DET', 'NOUN', 'VERB', '.'] }], ['DET', 'NOUN', 'VERB'], 6);
		expect(Array.from(e.ids)).toEqual([2, 4, 1, 1, 0, 0]);
		expect(Array.from(e.labels)).toEqual([0, 1, 2, -1, -1, -1]);
		expect(e.issues.unknownTokens).toBe(2);
	});
});
