import { KilnError } from '$shared/errors';
import { normaliseText, noIssues, type TextIssues } from './normalise';
import { CsrBuilder, type Csr } from './sparse';
import { wordTokens, type WordOptions } from './word-tokenizer';

/** TF-IDF as scikit-learn's TfidfVectorizer computes it (smooth idf, l2-normalised rows), with Kiln's tokeniser. */
export interface TfidfSpec {
	tokenizer: WordOptions;
	/** Keep at most this many terms, the most frequent over the training texts. */
	maxFeatures: number;
	/** A term must occur in at least this many training texts. */
	minDf: number;
	/** Longest word n-gram: 1 (words), 2 (and pairs), 3. */
	ngrams: 1 | 2 | 3;
	/** tf → 1 + ln(tf), so a word said ten times does not weigh ten times as much. */
	sublinear: boolean;
}

export const TFIDF_FORMAT = 'kiln-tfidf';

export interface TfidfState {
	format: typeof TFIDF_FORMAT;
	version: 1;
	spec: TfidfSpec;
	/** Column order: terms sorted in code-unit order (as scikit-learn sorts its vocabulary). */
	terms: string[];
	/** ln((1 + n) / (1 + df)) + 1 per term. */
	idf: number[];
	/** Training texts the idf was computed on. */
	documents: number;
}

export const DEFAULT_TFIDF: Omit<TfidfSpec, 'tokenizer'> = { maxFeatures: 20_000, minDf: 1, ngrams: 1, sublinear: false };

/** The terms of one normalised text: its tokens and, when asked, the n-grams joined by a space. */
export function terms(text: string, spec: Pick<TfidfSpec, 'tokenizer' | 'ngrams'>): { grams: string[]; tokens: string[] } {
	const tokens = wordTokens(text, spec.tokenizer).tokens;
	const grams = [...tokens];
	for (let n = 2; n <= spec.ngrams; n++) for (let i = 0; i + n <= tokens.length; i++) grams.push(tokens.slice(i, i + n).join(' '));
	return { grams, tokens };
}

function checkSpec(spec: TfidfSpec): void {
	if (!(Number.isInteger(spec.maxFeatures) && spec.maxFeatures >= 1 && spec.maxFeatures <= 200_000)) throw new KilnError('ValidationError', `TF-IDF: the number of terms must be a whole number from 1 to 200,000 (got ${spec.maxFeatures}).`);
	if (!(Number.isInteger(spec.minDf) && spec.minDf >= 1)) throw new KilnError('ValidationError', `TF-IDF: the minimum document count must be a whole number of at least 1 (got ${spec.minDf}).`);
	if (![1, 2, 3].includes(spec.ngrams)) throw new KilnError('ValidationError', `TF-IDF: n-grams must be 1, 2 or 3 (got ${spec.ngrams}).`);
}

const norm = (spec: TfidfSpec) => ({ form: spec.tokenizer.form, lowercase: spec.tokenizer.lowercase, maxChars: spec.tokenizer.maxChars });

/** Counts of each distinct text, so a column with repeated texts is tokenised once per text. */
function countDistinct(texts: ArrayLike<string | null>): Map<string, number> {
	const out = new Map<string, number>();
	for (let i = 0; i < texts.length; i++) {
		const t = texts[i] ?? '';
		out.set(t, (out.get(t) ?? 0) + 1);
	}
	return out;
}

export function fitTfidf(texts: ArrayLike<string | null>, spec: TfidfSpec): TfidfState {
	checkSpec(spec);
	const df = new Map<string, number>();
	const tf = new Map<string, number>();
	let documents = 0;
	for (const [raw, times] of countDistinct(texts)) {
		documents += times;
		const { grams } = terms(normaliseText(raw, norm(spec)).text, spec);
		for (const g of grams) tf.set(g, (tf.get(g) ?? 0) + times);
		for (const g of new Set(grams)) df.set(g, (df.get(g) ?? 0) + times);
	}
	const eligible = [...tf].filter(([g]) => df.get(g)! >= spec.minDf);
	if (eligible.length === 0) {
		throw new KilnError('ValidationError', tf.size === 0 ? 'TF-IDF: the training texts hold no words at all (are they empty?).' : `TF-IDF: no term occurs in ${spec.minDf} or more training texts; lower the minimum document count.`);
	}
	eligible.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
	const kept = eligible.slice(0, spec.maxFeatures).map(([g]) => g).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	const idf = kept.map((g) => Math.log((1 + documents) / (1 + df.get(g)!)) + 1);
	return { format: TFIDF_FORMAT, version: 1, spec: structuredClone(spec), terms: kept, idf, documents };
}

export interface TfidfMatrix {
	matrix: Csr;
	issues: TextIssues;
}

/** Rows of TF-IDF weights for `texts` with the fitted terms; words outside them are counted as unknown. */
export function transformTfidf(state: TfidfState, texts: ArrayLike<string | null>): TfidfMatrix {
	const column = new Map(state.terms.map((t, i) => [t, i]));
	const rowsOf = new Map<string, { entries: Map<number, number>; unknown: number; tokens: number; truncated: boolean; replaced: number }>();
	const builder = new CsrBuilder(state.terms.length);
	const issues = noIssues();
	for (let i = 0; i < texts.length; i++) {
		const raw = texts[i] ?? '';
		let row = rowsOf.get(raw);
		if (!row) {
			const n = normaliseText(raw, norm(state.spec));
			const { grams, tokens } = terms(n.text, state.spec);
			const counts = new Map<number, number>();
			for (const g of grams) {
				const c = column.get(g);
				if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
			}
			let unknown = 0;
			for (const t of tokens) if (!column.has(t)) unknown++;
			let sum = 0;
			for (const [c, count] of counts) {
				const w = (state.spec.sublinear ? 1 + Math.log(count) : count) * state.idf[c];
				counts.set(c, w);
				sum += w * w;
			}
			const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
			for (const [c, w] of counts) counts.set(c, w * scale);
			row = { entries: counts, unknown, tokens: tokens.length, truncated: n.truncated, replaced: n.replaced };
			if (rowsOf.size < 100_000) rowsOf.set(raw, row);
		}
		builder.row(row.entries);
		issues.texts++;
		issues.tokens += row.tokens;
		if (row.tokens === 0) issues.empty++;
		if (row.truncated) issues.truncated++;
		issues.replaced += row.replaced;
		issues.unknownTokens += row.unknown;
		if (row.unknown > 0) issues.textsWithUnknown++;
	}
	return { matrix: builder.build(), issues };
}
