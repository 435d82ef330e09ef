import { describe, expect, it } from 'vitest';
import { parseConll } from './conll';
import { conllTable, isTaggedDataset, taggedSentences, tokenScores } from './tagging';
import { shippedText } from './text.spec-support';

describe('tagged corpora as datasets', () => {
	it('store a CoNLL file one token per row and give back the same sentences and tags', () => {
		const parsed = parseConll(shippedText('brown-pos.conll').split('\n').slice(0, 400).join('\n'), 'brown-pos.conll');
		const table = conllTable(parsed);
		expect(table.rowCount).toBe(parsed.tokens);
		expect(isTaggedDataset(table.columns)).toBe(true);
		const back = taggedSentences(table);
		expect(back.sentences).toEqual(parsed.sentences);
		expect(back.tags).toEqual(parsed.tags);
	});

	it('keep two sentences apart even when they are the same, and name a row with a missing cell', () => {
		const table = conllTable(parseConll('a\tX\nb\tY\n\na\tX\nb\tY\n'));
		expect(taggedSentences(table).sentences).toHaveLength(2);
		const tag = table.columns[2];
		if (tag.kind === 'categorical') tag.codes[3] = -1;
		expect(() => taggedSentences(table)).toThrow(/Row 4 has no tag/);
		expect(isTaggedDataset([{ name: 'text', kind: 'categorical' }])).toBe(false);
		expect(() => taggedSentences({ rowCount: 0, columns: [] })).toThrow(/no column “sentence”/);
	});

	it('flatten per-position probabilities to the tokens read, each with its sentence marked', () => {
		const sentences = [{ tokens: ['the', 'dog', 'runs'], tags: ['DET', 'NOUN', 'VERB'] }, { tokens: ['cats'], tags: ['NOUN'] }];
		const tags = ['DET', 'NOUN', 'VERB'];
		const t = 2;
		// rows [1, 0]: sentence 1 first; maxLength 2 cuts "runs" (not scored, as in training)
		const probabilities = Float32Array.from({ length: 2 * t * 3 }, (_, i) => i);
		const out = tokenScores(sentences, [1, 0], probabilities, t, tags);
		expect(Array.from(out.truth)).toEqual([1, 0, 1]);
		expect(Array.from(out.probabilities)).toEqual([0, 1, 2, 6, 7, 8, 9, 10, 11]);
		expect(out.tokens.map((w) => w.context)).toEqual(['[cats]', '[the] dog runs', 'the [dog] runs']);
		expect(out.tokens[2]).toMatchObject({ sentence: 0, position: 1, token: 'dog' });
	});
});
