import type { WordRules } from './media-types';

/**
 * Pipeline steps a link replays beyond the numeric/categorical basics (kinds.ts): date parts,
 * derived columns (the expression's source, parsed by the studio's own parser where the link is
 * opened), anonymisation that needs no secret, e-mail/phone masking; and the TF-IDF encoding.
 */
export type ShareDatePart = 'year' | 'month' | 'day' | 'weekday' | 'hour';

/** Anonymise methods a link can replay. A keyed hash needs the project secret, which never travels. */
export type ShareAnonymisation = { type: 'drop' } | { type: 'range'; width: number } | { type: 'month' } | { type: 'mask'; keepStart: number; keepEnd: number };

export type SharePipelineStepMore =
	| { kind: 'date-parts'; column: string; parts: ShareDatePart[]; keepSource: boolean }
	| { kind: 'derive'; name: string; expression: string }
	| { kind: 'anonymise'; column: string; method: ShareAnonymisation }
	| { kind: 'mask-pii'; column: string; kinds: ('email' | 'phone')[] };

/**
 * TF-IDF of a text column with Kiln's word tokeniser. The idf is not carried: `df` (training
 * texts per term) and `documents` give it back bit for bit as ln((1 + n) / (1 + df)) + 1, and
 * integers deflate far better than doubles.
 */
export interface ShareTfidfFeature {
	kind: 'tfidf';
	column: string;
	rules: WordRules;
	ngrams: number;
	sublinear: boolean;
	terms: string[];
	df: number[];
	documents: number;
}

export const tfidfIdf = (documents: number, df: number) => Math.log((1 + documents) / (1 + df)) + 1;
