import { KilnError } from '$shared/errors';
import { noIssues, normaliseText, type TextIssues } from '../normalise';
import type { Tokenizer, TokenizerState } from '../tokenizer';
import { indexOf, PAD_ID, UNK_ID } from '../vocabulary';

/** Token ids of many texts as one padded [n × maxLength] int32 matrix (0 = [PAD]). */
export interface EncodedSequences {
	ids: Int32Array;
	count: number;
	maxLength: number;
	issues: TextIssues;
}

export function encodeTexts(tokenizer: Tokenizer, texts: ArrayLike<string | null | undefined>, maxLength: number): EncodedSequences {
	const ids = new Int32Array(texts.length * maxLength);
	const issues = noIssues();
	for (let i = 0; i < texts.length; i++) {
		const e = tokenizer.encode(texts[i]);
		issues.texts++;
		if (e.ids.length === 0) issues.empty++;
		if (e.truncated) issues.truncated++;
		issues.replaced += e.replaced;
		issues.unknownTokens += e.unknown;
		issues.tokens += e.ids.length;
		if (e.unknown > 0) issues.textsWithUnknown++;
		if (e.ids.length > maxLength) issues.clipped++;
		ids.set(e.ids.length > maxLength ? e.ids.slice(0, maxLength) : e.ids, i * maxLength);
	}
	return { ids, count: texts.length, maxLength, issues };
}

/** A sentence already split into tokens, with one tag per token (CoNLL-style data). */
export interface TaggedSentence {
	tokens: string[];
	tags: string[];
}

export interface EncodedTagging extends EncodedSequences {
	/** [n × maxLength] tag indices, −1 at padding (and for tags the model does not know). */
	labels: Int32Array;
}

/**
 * Ids and tag indices of pre-split sentences. Each given token is looked up whole (after the
 * tokeniser's normalisation), so the tags stay aligned with the tokens the corpus defines.
 */
export function encodeTagged(state: TokenizerState, sentences: readonly TaggedSentence[], tags: readonly string[], maxLength: number): EncodedTagging {
	if (state.kind !== 'word') throw new KilnError('TokenizerError', 'Tagging reads whole tokens, so it needs a word-level vocabulary, not BPE.');
	const vocabulary = indexOf(state.vocabulary);
	const tagIndex = new Map(tags.map((t, i) => [t, i]));
	const n = sentences.length;
	const ids = new Int32Array(n * maxLength);
	const labels = new Int32Array(n * maxLength).fill(-1);
	const issues = noIssues();
	const norm = { form: state.options.form, lowercase: state.options.lowercase, maxChars: state.options.maxChars };
	sentences.forEach((s, i) => {
		issues.texts++;
		if (s.tokens.length === 0) issues.empty++;
		if (s.tokens.length > maxLength) issues.clipped++;
		let unknown = 0;
		s.tokens.slice(0, maxLength).forEach((token, j) => {
			const id = vocabulary.get(normaliseText(token, norm).text);
			const known = id !== undefined && id > UNK_ID;
			if (!known) unknown++;
			ids[i * maxLength + j] = known ? id : UNK_ID;
			labels[i * maxLength + j] = tagIndex.get(s.tags[j]) ?? -1;
		});
		issues.tokens += Math.min(s.tokens.length, maxLength);
		issues.unknownTokens += unknown;
		if (unknown > 0) issues.textsWithUnknown++;
	});
	return { ids, labels, count: n, maxLength, issues };
}

/** Real tokens per row of a padded id matrix. */
export function lengths(ids: Int32Array, maxLength: number): Int32Array {
	const out = new Int32Array(ids.length / maxLength);
	for (let i = 0; i < out.length; i++) {
		let n = 0;
		for (let j = 0; j < maxLength; j++) if (ids[i * maxLength + j] !== PAD_ID) n = j + 1;
		out[i] = n;
	}
	return out;
}
