import { KilnError } from '$shared/errors';
import { BYTE_TOKENS, BpeEncoder, SPACE, bpePieces, bpeSurface, byteOf, trainBpe } from './bpe';
import { DEFAULT_MAX_CHARS, normaliseText, type UnicodeForm } from './normalise';
import { TokenCounter, UNK_ID, buildVocabulary, indexOf, SPECIALS } from './vocabulary';
import { wordTokens, type WordOptions } from './word-tokenizer';

/** What a person chooses; fitting on texts turns it into a `TokenizerState`. */
export type TokenizerSpec =
	| { kind: 'word'; options: WordOptions; maxVocabulary: number; minCount: number }
	| { kind: 'bpe'; options: BpeOptions; vocabularySize: number; minFrequency: number };

export interface BpeOptions {
	form: UnicodeForm;
	lowercase: boolean;
	/** Characters never seen in training: their UTF-8 bytes as tokens <0x..> (exact round trip), or [UNK]. */
	fallback: 'bytes' | 'unk';
	maxChars: number;
}

export const TOKENIZER_FORMAT = 'kiln-tokenizer';
export const TOKENIZER_VERSION = 1;

/** A fitted tokeniser as plain JSON: stored with the pipeline, exported with the model, replayed at prediction. */
export type TokenizerState =
	| { format: typeof TOKENIZER_FORMAT; version: typeof TOKENIZER_VERSION; kind: 'word'; options: WordOptions; vocabulary: string[] }
	| { format: typeof TOKENIZER_FORMAT; version: typeof TOKENIZER_VERSION; kind: 'bpe'; options: BpeOptions; vocabulary: string[]; merges: [string, string][] };

export interface EncodedText {
	ids: number[];
	/** Token strings, parallel to ids (unknown ones as they were written). */
	tokens: string[];
	/** Character offset of each token in `normalised`. */
	starts: number[];
	/** The text the tokens were read from (after normalisation and the length cap). */
	normalised: string;
	unknown: number;
	truncated: boolean;
	replaced: number;
}

export interface Tokenizer {
	readonly state: TokenizerState;
	readonly vocabulary: readonly string[];
	encode(text: string | null | undefined): EncodedText;
	/** Word tokenisers join with spaces; BPE restores the text up to whitespace and Unicode normalisation. */
	decode(ids: ArrayLike<number>): string;
}

export const DEFAULT_BPE_OPTIONS: BpeOptions = { form: 'NFKC', lowercase: false, fallback: 'bytes', maxChars: DEFAULT_MAX_CHARS };

// ---- fitting -------------------------------------------------------------------------------

export function fitTokenizer(spec: TokenizerSpec, texts: Iterable<string | null | undefined>): TokenizerState {
	checkSpec(spec);
	const counter = new TokenCounter();
	const norm = { form: spec.options.form, lowercase: spec.options.lowercase, maxChars: spec.options.maxChars };
	let any = false;
	for (const raw of texts) {
		const { text } = normaliseText(raw, norm);
		if (text === '') continue;
		any = true;
		counter.add(spec.kind === 'word' ? wordTokens(text, spec.options).tokens : bpePieces(bpeSurface(text)));
	}
	if (!any) throw new KilnError('TokenizerError', 'Every training text is empty, so there is nothing to build a vocabulary from. Check that the text column is the right one.');
	const head = { format: TOKENIZER_FORMAT, version: TOKENIZER_VERSION } as const;
	if (spec.kind === 'word') return { ...head, kind: 'word', options: { ...spec.options }, vocabulary: buildVocabulary(counter.counts, spec.maxVocabulary, spec.minCount) };
	const reserved = [...SPECIALS, ...(spec.options.fallback === 'bytes' ? BYTE_TOKENS : [])];
	const { alphabet, merges } = trainBpe(counter.counts, spec.vocabularySize - reserved.length, spec.minFrequency);
	const vocabulary = [...reserved];
	const seen = new Set(vocabulary);
	for (const symbol of [...alphabet, ...merges.map(([a, b]) => a + b)]) {
		if (!seen.has(symbol)) {
			seen.add(symbol);
			vocabulary.push(symbol);
		}
	}
	return { ...head, kind: 'bpe', options: { ...spec.options }, vocabulary, merges };
}

/**
 * A word-level tokeniser from tokens that are already split (a tagged corpus), normalised like
 * the tokeniser normalises text. `extraWords` (e.g. the words of pretrained vectors) join after
 * the counted tokens, so words never seen in training still get their pretrained vector.
 */
export function fitWordsTokenizer(spec: Extract<TokenizerSpec, { kind: 'word' }>, tokens: Iterable<string>, extraWords: readonly string[] = []): TokenizerState {
	checkSpec(spec);
	const counter = new TokenCounter();
	const norm = { form: spec.options.form, lowercase: spec.options.lowercase, maxChars: spec.options.maxChars };
	for (const token of tokens) {
		const { text } = normaliseText(token, norm);
		if (text !== '') counter.add([text]);
	}
	if (counter.counts.size === 0) throw new KilnError('TokenizerError', 'There are no tokens to build a vocabulary from.');
	const vocabulary = buildVocabulary(counter.counts, spec.maxVocabulary, spec.minCount);
	const seen = new Set(vocabulary);
	for (const word of extraWords) {
		if (vocabulary.length >= spec.maxVocabulary) break;
		if (word !== '' && !seen.has(word)) {
			seen.add(word);
			vocabulary.push(word);
		}
	}
	return { format: TOKENIZER_FORMAT, version: TOKENIZER_VERSION, kind: 'word', options: { ...spec.options }, vocabulary };
}

/** A word tokeniser whose vocabulary is followed by `words` not yet in it (e.g. pretrained vectors' words), up to `max` entries. */
export function extendVocabulary(state: Extract<TokenizerState, { kind: 'word' }>, words: readonly string[], max: number): TokenizerState {
	const vocabulary = [...state.vocabulary];
	const seen = new Set(vocabulary);
	for (const word of words) {
		if (vocabulary.length >= max) break;
		if (word !== '' && !seen.has(word)) {
			seen.add(word);
			vocabulary.push(word);
		}
	}
	return { ...state, vocabulary };
}

function checkSpec(spec: TokenizerSpec): void {
	const o = spec.options;
	if (!(Number.isInteger(o.maxChars) && o.maxChars >= 1 && o.maxChars <= 1_000_000)) throw new KilnError('TokenizerError', `The character limit per text must be a whole number from 1 to 1,000,000 (got ${o.maxChars}).`);
	if (spec.kind === 'word') {
		if (!(Number.isInteger(spec.maxVocabulary) && spec.maxVocabulary >= 3 && spec.maxVocabulary <= 500_000)) throw new KilnError('TokenizerError', `The vocabulary size must be a whole number from 3 to 500,000 (got ${spec.maxVocabulary}).`);
		if (!(Number.isInteger(spec.minCount) && spec.minCount >= 1)) throw new KilnError('TokenizerError', `The minimum count must be a whole number of at least 1 (got ${spec.minCount}).`);
	} else {
		const fallback = spec.options.fallback;
		const base = SPECIALS.length + (fallback === 'bytes' ? 256 : 0);
		if (!(Number.isInteger(spec.vocabularySize) && spec.vocabularySize > base && spec.vocabularySize <= 200_000)) {
			throw new KilnError('TokenizerError', `A BPE vocabulary needs more than ${base} entries (${fallback === 'bytes' ? '2 special tokens and 256 byte tokens' : 'the 2 special tokens'}) and at most 200,000; got ${spec.vocabularySize}.`);
		}
		if (!(Number.isInteger(spec.minFrequency) && spec.minFrequency >= 1)) throw new KilnError('TokenizerError', `The minimum pair frequency must be a whole number of at least 1 (got ${spec.minFrequency}).`);
	}
}

// ---- replay ---------------------------------------------------------------------------------

export function createTokenizer(state: TokenizerState): Tokenizer {
	const vocabulary = state.vocabulary;
	const ids = indexOf(vocabulary);
	const norm = { form: state.options.form, lowercase: state.options.lowercase, maxChars: state.options.maxChars };
	if (state.kind === 'word') {
		const options = state.options;
		return {
			state,
			vocabulary,
			encode(raw) {
				const { text, truncated, replaced } = normaliseText(raw, norm);
				const { tokens, starts } = wordTokens(text, options);
				let unknown = 0;
				const out = tokens.map((t) => {
					const id = ids.get(t);
					if (id === undefined || id < SPECIALS.length) {
						unknown++;
						return UNK_ID;
					}
					return id;
				});
				return { ids: out, tokens, starts, normalised: text, unknown, truncated, replaced };
			},
			decode: (list) => Array.from(list, (id) => vocabulary[id] ?? SPECIALS[1]).filter((t) => t !== SPECIALS[0]).join(' ')
		};
	}
	const encoder = new BpeEncoder(state.merges);
	const bytes = state.options.fallback === 'bytes';
	const utf8 = new TextEncoder();
	return {
		state,
		vocabulary,
		encode(raw) {
			const { text, truncated, replaced } = normaliseText(raw, norm);
			const surface = bpeSurface(text);
			const out: number[] = [];
			const tokens: string[] = [];
			const starts: number[] = [];
			let unknown = 0;
			// Offsets are into `surface`, which is " " + the collapsed text: the space maps to −1 → clamp to 0.
			let at = -1;
			for (const piece of bpePieces(surface)) {
				for (const symbol of encoder.symbols(piece)) {
					const id = ids.get(symbol);
					if (id !== undefined && id >= SPECIALS.length) {
						out.push(id);
						tokens.push(symbol);
					} else if (bytes) {
						for (const b of utf8.encode(symbol.replace(SPACE, ' '))) {
							out.push(ids.get(BYTE_TOKENS[b])!);
							tokens.push(BYTE_TOKENS[b]);
							starts.push(Math.max(0, at));
						}
						unknown++;
						at += symbol.length;
						continue;
					} else {
						out.push(UNK_ID);
						tokens.push(symbol);
						unknown++;
					}
					starts.push(Math.max(0, at));
					at += symbol.length;
				}
			}
			return { ids: out, tokens, starts, normalised: surface.slice(1), unknown, truncated, replaced };
		},
		decode(list) {
			const pending: number[] = [];
			let text = '';
			const flush = () => {
				if (pending.length > 0) text += new TextDecoder().decode(Uint8Array.from(pending));
				pending.length = 0;
			};
			for (const id of Array.from(list)) {
				const token = vocabulary[id];
				if (id === 0) continue;
				const b = token === undefined ? null : byteOf(token);
				if (b !== null) {
					pending.push(b);
					continue;
				}
				flush();
				text += token === undefined || id === UNK_ID ? '\uFFFD' : token.replaceAll(SPACE, ' ');
			}
			flush();
			return text.startsWith(' ') ? text.slice(1) : text;
		}
	};
}
