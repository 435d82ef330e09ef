import type { UnicodeForm } from './normalise';

/** How the word-level tokeniser reads a text. Every field is required so stored rules mean one thing. */
export interface WordOptions {
	form: UnicodeForm;
	lowercase: boolean;
	/** 'keep': each punctuation mark or symbol is a token of its own; 'drop': they are skipped. Emoji are kept either way. */
	punctuation: 'keep' | 'drop';
	/** 'normalise': every number becomes the token [NUM], so "3" and "1,024" share what the model learns. */
	numbers: 'keep' | 'normalise';
	/** Characters read per text; the rest is cut (and counted). */
	maxChars: number;
}

export const NUM = '[NUM]';

export const DEFAULT_WORD_OPTIONS: WordOptions = { form: 'NFKC', lowercase: true, punctuation: 'keep', numbers: 'keep', maxChars: 20_000 };

/*
 * One pass of one regex, alternatives in priority order:
 *  1. numbers with separators (3.14, 1,024, 12:30) not glued to letters;
 *  2. one Han / kana character: those scripts do not put spaces between words, and a run of
 *     them as one "word" would be a whole sentence;
 *  3. words: letters, marks, digits and _ with inner apostrophes (don't, l'homme);
 *  4. an emoji with its modifiers and joiners;
 *  5. any other single visible character (punctuation, symbols).
 */
const CJK = String.raw`[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]`;
const TOKEN = new RegExp(
	[
		String.raw`\p{N}+(?:[.,:/]\p{N}+)+(?![\p{L}\p{M}])`,
		String.raw`${CJK}`,
		String.raw`(?:(?!${CJK})[\p{L}\p{M}\p{N}_])+(?:['’](?:(?!${CJK})[\p{L}\p{M}\p{N}])+)*`,
		String.raw`\p{Extended_Pictographic}(?:[\u{FE0F}\u{1F3FB}-\u{1F3FF}]|\u200D\p{Extended_Pictographic})*`,
		String.raw`[^\s\p{Cc}\p{Cf}]`
	].join('|'),
	'gu'
);
/** The same without the Han/kana handling: the lookaheads cost ~3× on texts that have none. */
const TOKEN_NO_CJK = new RegExp(
	[
		String.raw`\p{N}+(?:[.,:/]\p{N}+)+(?![\p{L}\p{M}])`,
		String.raw`[\p{L}\p{M}\p{N}_]+(?:['’][\p{L}\p{M}\p{N}]+)*`,
		String.raw`\p{Extended_Pictographic}(?:[\u{FE0F}\u{1F3FB}-\u{1F3FF}]|\u200D\p{Extended_Pictographic})*`,
		String.raw`[^\s\p{Cc}\p{Cf}]`
	].join('|'),
	'gu'
);
const HAS_CJK = new RegExp(CJK, 'u');
const NUMBER = /^\p{N}+(?:[.,:/]\p{N}+)*$/u;
const WORDLIKE = /^[\p{L}\p{M}\p{N}_]/u;
const EMOJI = /^\p{Extended_Pictographic}/u;

export type TokenClass = 'word' | 'number' | 'emoji' | 'punctuation';

export function tokenClass(token: string): TokenClass {
	if (token === NUM || NUMBER.test(token)) return 'number';
	if (WORDLIKE.test(token)) return 'word';
	if (EMOJI.test(token)) return 'emoji';
	return 'punctuation';
}

/** Tokens of an already normalised text, with their character offsets (for per-token views). */
export function wordTokens(text: string, options: Pick<WordOptions, 'punctuation' | 'numbers'>): { tokens: string[]; starts: number[] } {
	const tokens: string[] = [];
	const starts: number[] = [];
	for (const match of text.matchAll(HAS_CJK.test(text) ? TOKEN : TOKEN_NO_CJK)) {
		let token = match[0];
		const kind = tokenClass(token);
		if (kind === 'punctuation' && options.punctuation === 'drop') continue;
		if (kind === 'number' && options.numbers === 'normalise') token = NUM;
		tokens.push(token);
		starts.push(match.index);
	}
	return { tokens, starts };
}
