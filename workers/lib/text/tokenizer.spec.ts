import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isKind } from '$shared/errors';
import { bpePieces, bpeSurface, trainBpe } from './bpe';
import { createTokenizer, DEFAULT_BPE_OPTIONS, fitTokenizer, type TokenizerSpec } from './tokenizer';
import { parseTokenizerState, validateTokenizerState } from './tokenizer-state';
import { DEFAULT_WORD_OPTIONS, wordTokens } from './word-tokenizer';

const word = (overrides: Partial<typeof DEFAULT_WORD_OPTIONS> = {}, maxVocabulary = 1000, minCount = 1): TokenizerSpec => ({ kind: 'word', options: { ...DEFAULT_WORD_OPTIONS, ...overrides }, maxVocabulary, minCount });
const bpe = (vocabularySize: number, overrides: Partial<typeof DEFAULT_BPE_OPTIONS> = {}, minFrequency = 2): TokenizerSpec => ({ kind: 'bpe', options: { ...DEFAULT_BPE_OPTIONS, ...overrides }, vocabularySize, minFrequency });

describe('word tokeniser', () => {
	const tokens = (text: string, o: Partial<typeof DEFAULT_WORD_OPTIONS> = {}) => wordTokens(text, { ...DEFAULT_WORD_OPTIONS, ...o }).tokens;

	it('splits words, numbers, punctuation and emoji in any script', () => {
		expect(tokens("Don't stop: it's 3.14, not 3!")).toEqual(["Don't", 'stop', ':', "it's", '3.14', ',', 'not', '3', '!']);
		expect(tokens('Ça coûte 1,024 €… Привет, мир! Καλημέρα')).toEqual(['Ça', 'coûte', '1,024', '€', '…', 'Привет', ',', 'мир', '!', 'Καλημέρα']);
		expect(tokens('東京タワーへ行く')).toEqual(['東', '京', 'タ', 'ワ', 'ー', 'へ', '行', 'く']);
		expect(tokens('great 👍🏽 food 👨‍👩‍👧!!')).toEqual(['great', '👍🏽', 'food', '👨‍👩‍👧', '!', '!']);
		expect(tokens('covid19 at 10pm')).toEqual(['covid19', 'at', '10pm']);
	});

	it('drops punctuation but keeps emoji, and normalises numbers, when asked', () => {
		expect(tokens('Wow!!! 5 stars 👍, 4.5/5', { punctuation: 'drop', numbers: 'normalise' })).toEqual(['Wow', '[NUM]', 'stars', '👍', '[NUM]']);
	});

	it('lower-cases and NFKC-normalises before matching, and counts unknown tokens', () => {
		const state = fitTokenizer(word(), ['The cat sat.', 'the CAT ran']);
		expect(state.vocabulary).toEqual(['[PAD]', '[UNK]', 'cat', 'the', '.', 'ran', 'sat']);
		const t = createTokenizer(state);
		const e = t.encode('The ﬁsh sat on the cat');
		expect(e.tokens).toEqual(['the', 'fish', 'sat', 'on', 'the', 'cat']);
		expect(e.ids).toEqual([3, 1, 6, 1, 3, 2]);
		expect(e.unknown).toBe(2);
		expect(e.starts).toEqual([0, 4, 9, 13, 16, 20]);
		expect(t.decode(e.ids)).toBe('the [UNK] sat [UNK] the cat');
	});

	it('keeps the most frequent tokens, ties in code-unit order, whatever the text order', () => {
		const texts = ['b a c', 'a b', 'd d d', 'e'];
		const a = fitTokenizer(word({}, 5, 1), texts);
		const b = fitTokenizer(word({}, 5, 1), [...texts].reverse());
		expect(a.vocabulary).toEqual(['[PAD]', '[UNK]', 'd', 'a', 'b']);
		expect(b).toEqual(a);
		expect(fitTokenizer(word({}, 100, 2), texts).vocabulary).toEqual(['[PAD]', '[UNK]', 'd', 'a', 'b']);
	});
});

describe('byte-pair encoding', () => {
	it('learns the merges derived by hand on the Sennrich et al. toy corpus', () => {
		const corpus = [...Array(5).fill('low'), ...Array(2).fill('lower'), ...Array(6).fill('newest'), ...Array(3).fill('widest')];
		const counts = new Map<string, number>();
		for (const text of corpus) for (const p of bpePieces(bpeSurface(text))) counts.set(p, (counts.get(p) ?? 0) + 1);
		expect(counts).toEqual(new Map([['▁low', 5], ['▁lower', 2], ['▁newest', 6], ['▁widest', 3]]));
		// By hand: pair counts e·s = s·t = 9 (tie → "e" < "s"), then es·t = 9; then l·o = o·w = ▁·l = 7
		// ("l" < "o" < "▁", U+2581 sorts after ASCII), lo·w = ▁·lo = 7, ▁·low = 7; then the 6s of
		// ▁newest: e·w < n·e < w·est < ▁·n, then ew·est, n·ewest, ▁·newest; the 3s of ▁widest:
		// d·est < i·d < w·i < ▁·w as they arise; last the 2s of ▁lower: e·r before ▁low·e.
		const expected = [
			['e', 's'], ['es', 't'], ['l', 'o'], ['lo', 'w'], ['▁', 'low'],
			['e', 'w'], ['ew', 'est'], ['n', 'ewest'], ['▁', 'newest'],
			['d', 'est'], ['i', 'dest'], ['w', 'idest'], ['▁', 'widest'],
			['e', 'r'], ['▁low', 'er']
		];
		const { alphabet, merges } = trainBpe(counts, 100, 2);
		expect(merges).toEqual(expected);
		expect(alphabet).toEqual(['e', 'w', '▁', 's', 't', 'l', 'o', 'n', 'd', 'i', 'r']);
		// Characters by count (e 17, w = ▁ 16 …); a smaller budget stops early, at the same prefix.
		expect(trainBpe(counts, alphabet.length + 4, 2).merges).toEqual(expected.slice(0, 4));
	});

	const texts = ['The lowest price is lower than the newest one.', 'Newer, wider, lower!', 'naïve café — crème brûlée', 'lowest lowest newest widest'];

	it('round-trips text up to whitespace and Unicode normalisation, with byte fallback for unseen characters', () => {
		const t = createTokenizer(fitTokenizer(bpe(300), texts));
		for (const text of [...texts, '  spaces\tand\nlines  ', 'unseen: 日本語 🙂 Ωμέγα', '', '▁ literal']) {
			const e = t.encode(text);
			const expected = text.replace(/\u2581/g, ' ').replace(/\s+/g, ' ').trim();
			expect(t.decode(e.ids)).toBe(expected);
			e.starts.forEach((s, i) => expect(s).toBeLessThanOrEqual(e.normalised.length * (e.tokens[i] ? 1 : 0)));
		}
		expect(t.encode('日本').unknown).toBe(2);
	});

	it('round-trips any string (property)', () => {
		const t = createTokenizer(fitTokenizer(bpe(320, { form: 'NFC' }), texts));
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
				const normal = s.normalize('NFC').replace(/\u2581/g, ' ').replace(/\s+/gu, ' ').trim();
				expect(t.decode(t.encode(s).ids)).toBe(normal);
			}),
			{ numRuns: 300, seed: 7 }
		);
	});

	it('maps unseen characters to [UNK] without byte fallback, and counts them', () => {
		const t = createTokenizer(fitTokenizer(bpe(60, { fallback: 'unk' }), texts));
		const e = t.encode('low 日本');
		expect(e.unknown).toBe(2);
		expect(e.ids.filter((id) => id === 1)).toHaveLength(2);
		expect(t.decode(e.ids)).toBe('low \uFFFD\uFFFD');
	});

	it('is deterministic and survives a JSON round trip', () => {
		const a = fitTokenizer(bpe(290), texts);
		expect(fitTokenizer(bpe(290), [...texts].reverse())).toEqual(a);
		const back = parseTokenizerState(JSON.stringify(a));
		expect(back).toEqual(a);
		const sentence = 'The newest lowest price!';
		expect(createTokenizer(back).encode(sentence)).toEqual(createTokenizer(a).encode(sentence));
	});
});

describe('bad input', () => {
	it('refuses a vocabulary too small for the byte tokens, or only empty texts', () => {
		expect(() => fitTokenizer(bpe(200), texts())).toThrow(/more than 258 entries/);
		expect(() => fitTokenizer(word(), ['', null, undefined])).toThrow(/Every training text is empty/);
		function texts() {
			return ['a'];
		}
	});

	it('cuts texts of 1 MB to the character limit and reads replacement characters as spaces', () => {
		const t = createTokenizer(fitTokenizer(word(), ['good bad']));
		const huge = 'good '.repeat(210_000);
		const e = t.encode(huge);
		expect(e.truncated).toBe(true);
		expect(e.normalised.length).toBe(DEFAULT_WORD_OPTIONS.maxChars);
		const broken = t.encode('good\uFFFD\uFFFDbad \uD800');
		expect(broken.tokens).toEqual(['good', 'bad']);
		expect(broken.replaced).toBe(3);
	});

	it('refuses damaged stored state with the field named', () => {
		const state = fitTokenizer(bpe(270), ['aa bb aa bb']);
		expect(() => validateTokenizerState({ ...state, vocabulary: state.vocabulary.slice(1) })).toThrow(/vocabulary must start with \[PAD\]/);
		expect(() => validateTokenizerState({ ...state, merges: [['x', 'y']] })).toThrow(/merges\[0\] makes "xy"/);
		expect(() => parseTokenizerState('{')).toThrow(/not valid JSON/);
		try {
			validateTokenizerState({ ...state, version: 9 });
		} catch (e) {
			expect(isKind(e, 'TokenizerError')).toBe(true);
		}
	});
});
