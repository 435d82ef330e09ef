import type { CategoricalColumn, Column } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { DEFAULT_MAX_CHARS } from '$workers/lib/text/normalise';
import { fitTfidf, transformTfidf, type TfidfState } from '$workers/lib/text/tfidf';
import type { FeatureDefinition } from '../step-definition';
import type { FeatureStep } from '../types';
import { boolean, invalid, number, oneOf, onlyKeys, text } from '../validate';
import { MAX_BUCKETS } from './categorical';

type Tfidf = Extract<FeatureStep, { kind: 'tfidf' }>;

/** The model matrix is dense, so a TF-IDF block is capped like hashing buckets. */
export const MAX_TFIDF_TERMS = MAX_BUCKETS;

function texts(column: Column): CategoricalColumn {
	if (column.kind !== 'categorical') throw new KilnError('SchemaMismatchError', `column "${column.name}" holds numbers, but the model was trained on text there.`);
	return column;
}

const KEYS = ['kind', 'column', 'maxFeatures', 'minDf', 'ngrams', 'sublinear', 'lowercase', 'punctuation', 'numbers'] as const;

/**
 * A text column → a block of TF-IDF weights (scikit-learn's TfidfVectorizer with Kiln's word
 * tokeniser). Vocabulary and idf come from the training rows only; the fitted params hold the
 * whole TF-IDF state, tokeniser rules included, so prediction replays it exactly.
 */
export const tfidf: FeatureDefinition<Tfidf> = {
	keys: KEYS.slice(1),
	validate: (raw, at) => {
		onlyKeys(raw, at, KEYS);
		const ngrams = number(raw, 'ngrams', at, { min: 1, max: 3, integer: true });
		if (ngrams !== 1 && ngrams !== 2 && ngrams !== 3) return invalid(`${at}.ngrams`, 'expected 1, 2 or 3.');
		return {
			kind: 'tfidf',
			column: text(raw, 'column', at),
			maxFeatures: number(raw, 'maxFeatures', at, { min: 1, max: MAX_TFIDF_TERMS, integer: true }),
			minDf: number(raw, 'minDf', at, { min: 1, max: 1_000_000, integer: true }),
			ngrams,
			sublinear: boolean(raw, 'sublinear', at),
			lowercase: boolean(raw, 'lowercase', at),
			punctuation: oneOf(raw, 'punctuation', at, ['keep', 'drop'] as const),
			numbers: oneOf(raw, 'numbers', at, ['keep', 'normalise'] as const)
		};
	},
	describe: (s) =>
		`"${s.column}": TF-IDF of the ${s.maxFeatures} most frequent ${s.ngrams === 1 ? 'words' : `word 1–${s.ngrams}-grams`} in at least ${s.minDf} training text${s.minDf === 1 ? '' : 's'}${s.sublinear ? ', sublinear tf' : ''}${s.lowercase ? ', lower-cased' : ''}${s.punctuation === 'drop' ? ', without punctuation' : ''}${s.numbers === 'normalise' ? ', numbers as one token' : ''}`,
	accepts: 'categorical',
	block: 'continuous',
	fit: (step, column, rows) => {
		const c = texts(column);
		const values = Array.from(rows, (r) => (c.codes[r] < 0 ? null : c.categories[c.codes[r]]));
		const tokenizer = { form: 'NFKC' as const, lowercase: step.lowercase, punctuation: step.punctuation, numbers: step.numbers, maxChars: DEFAULT_MAX_CHARS };
		const state = fitTfidf(values, { tokenizer, maxFeatures: step.maxFeatures, minDf: step.minDf, ngrams: step.ngrams, sublinear: step.sublinear });
		return state as unknown as Record<string, unknown>;
	},
	names: (step, params) => (params as unknown as TfidfState).terms.map((t) => `${step.column}:${t}`),
	encode: (_step, params, column, rows, out, stride, offset) => {
		const c = texts(column);
		const state = params as unknown as TfidfState;
		// Each distinct text is weighted once; rows copy their text's entries.
		const { matrix } = transformTfidf(state, c.categories);
		let unknown = 0;
		for (let i = 0; i < rows.length; i++) {
			const code = c.codes[rows[i]];
			if (code < 0) continue;
			const start = matrix.indptr[code];
			const end = matrix.indptr[code + 1];
			if (start === end && c.categories[code].trim() !== '') unknown++;
			for (let p = start; p < end; p++) out[i * stride + offset + matrix.indices[p]] = matrix.values[p];
		}
		return unknown;
	}
};
