import { languageHint, stopwords, type LanguageHint } from './language';
import { normaliseText } from './normalise';
import { findPii, maskPii } from './pii';
import { DEFAULT_WORD_OPTIONS, tokenClass, wordTokens, type WordOptions } from './word-tokenizer';

export interface Histogram {
	/** bins + 1 edges; bin i counts values in [edges[i], edges[i+1]) (the last bin includes its right edge). */
	edges: number[];
	counts: number[];
}

export interface LengthStats {
	histogram: Histogram;
	mean: number;
	median: number;
	p95: number;
	max: number;
}

export interface TokenCount {
	token: string;
	count: number;
}

export interface TextProfile {
	texts: number;
	missing: number;
	/** Present but without any token (blank or only spaces). */
	empty: number;
	characters: LengthStats;
	tokens: LengthStats;
	/** Distinct tokens (after lower-casing when the tokeniser does). */
	vocabularySize: number;
	/** Tokens seen exactly once: candidates for [UNK] at any vocabulary cut. */
	singletons: number;
	/** Most frequent words overall, without punctuation and the detected language's function words. */
	topTokens: TokenCount[];
	/** Per label: its texts and its most frequent words (same filter). */
	perClass: { label: string; texts: number; topTokens: TokenCount[] }[];
	duplicates: {
		/** Rows whose text repeats an earlier row's (after normalisation). */
		rows: number;
		groups: number;
		/** Groups whose copies carry different labels: contradictory training data. */
		conflicting: number;
		examples: { text: string; count: number; labels: string[] }[];
	};
	language: LanguageHint;
	pii: { email: number; phone: number; rows: number; examples: string[] };
	/** Replacement characters (U+FFFD) from a decode of bytes that were not UTF-8. */
	replacementCharacters: number;
	/** Texts longer than the character limit the tokeniser applies. */
	overLimit: number;
	warnings: string[];
}

function lengthStats(values: number[], bins = 20): LengthStats {
	if (values.length === 0) return { histogram: { edges: [0, 1], counts: [0] }, mean: 0, median: 0, p95: 0, max: 0 };
	const sorted = [...values].sort((a, b) => a - b);
	const max = sorted[sorted.length - 1];
	const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
	const width = Math.max(1, Math.ceil((max + 1) / bins));
	const edges = Array.from({ length: bins + 1 }, (_, i) => i * width);
	const counts = new Array(bins).fill(0);
	for (const v of values) counts[Math.min(bins - 1, Math.floor(v / width))]++;
	return { histogram: { edges, counts }, mean: values.reduce((a, b) => a + b, 0) / values.length, median: quantile(0.5), p95: quantile(0.95), max };
}

function top(counts: Map<string, number>, skip: (t: string) => boolean, n: number): TokenCount[] {
	return [...counts].filter(([t]) => !skip(t)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([token, count]) => ({ token, count }));
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** A profile of one text column (and its labels, when given) for the data workbench. */
export function profileText(texts: ArrayLike<string | null | undefined>, labels?: ArrayLike<string | null | undefined>, options: { tokenizer?: WordOptions; top?: number } = {}): TextProfile {
	const tok = options.tokenizer ?? DEFAULT_WORD_OPTIONS;
	const n = { form: tok.form, lowercase: tok.lowercase, maxChars: tok.maxChars };
	const k = options.top ?? 20;
	const chars: number[] = [];
	const tokenLengths: number[] = [];
	const counts = new Map<string, number>();
	const classCounts = new Map<string, { texts: number; counts: Map<string, number> }>();
	const seen = new Map<string, { count: number; labels: Set<string>; text: string }>();
	const sampleWords: string[] = [];
	let sample = '';
	let missing = 0;
	let empty = 0;
	let replacement = 0;
	let overLimit = 0;
	const pii = { email: 0, phone: 0, rows: 0, examples: [] as string[] };
	for (let i = 0; i < texts.length; i++) {
		const raw = texts[i];
		if (raw === null || raw === undefined) {
			missing++;
			continue;
		}
		const norm = normaliseText(raw, n);
		replacement += norm.replaced;
		if (norm.truncated) overLimit++;
		chars.push(raw.length);
		const tokens = wordTokens(norm.text, tok).tokens;
		tokenLengths.push(tokens.length);
		if (tokens.length === 0) empty++;
		for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
		if (sample.length < 20_000) sample += `${norm.text} `;
		if (sampleWords.length < 5000) sampleWords.push(...tokens.filter((t) => tokenClass(t) === 'word').map((t) => t.toLowerCase()));
		const label = labels?.[i];
		if (labels && label !== null && label !== undefined && label !== '') {
			let c = classCounts.get(label);
			if (!c) classCounts.set(label, (c = { texts: 0, counts: new Map() }));
			c.texts++;
			for (const t of tokens) c.counts.set(t, (c.counts.get(t) ?? 0) + 1);
		}
		const key = norm.text.replace(/\s+/gu, ' ').trim();
		if (key !== '') {
			const d = seen.get(key);
			if (d) d.count++;
			else seen.set(key, { count: 1, labels: new Set(), text: key });
			if (labels && label) seen.get(key)!.labels.add(label);
		}
		const found = findPii(raw.length > 100_000 ? raw.slice(0, 100_000) : raw);
		if (found.length > 0) {
			pii.rows++;
			for (const f of found) pii[f.kind]++;
			if (pii.examples.length < 5) pii.examples.push(maskPii(raw.slice(0, 200)).text);
		}
	}
	const language = languageHint(sampleWords, sample);
	const stop = language.language ? stopwords(language.language) : new Set<string>();
	const skip = (t: string) => tokenClass(t) !== 'word' || stop.has(t.toLowerCase());
	const groups = [...seen.values()].filter((d) => d.count > 1);
	const duplicates = {
		rows: groups.reduce((s, d) => s + d.count - 1, 0),
		groups: groups.length,
		conflicting: groups.filter((d) => d.labels.size > 1).length,
		examples: groups.sort((a, b) => b.count - a.count).slice(0, 5).map((d) => ({ text: d.text.slice(0, 200), count: d.count, labels: [...d.labels].sort() }))
	};
	const present = texts.length - missing;
	const warnings: string[] = [];
	if (missing + empty > 0) warnings.push(`${plural(missing + empty, 'text')} ${missing + empty === 1 ? 'is' : 'are'} missing or empty.`);
	if (duplicates.rows > 0) warnings.push(`${plural(duplicates.rows, 'row')} repeat an earlier text${duplicates.conflicting > 0 ? `; ${plural(duplicates.conflicting, 'repeated text')} carry different labels, which no model can get right` : ''}. Duplicates split across training and holdout make the score look better than it is.`);
	if (pii.rows > 0) warnings.push(`${plural(pii.rows, 'text')} contain what looks like an e-mail address or phone number (${pii.email} e-mail, ${pii.phone} phone). Consider masking them before training.`);
	if (replacement > 0) warnings.push(`${plural(replacement, 'character')} could not be decoded (U+FFFD): the file is probably not UTF-8.`);
	if (overLimit > 0) warnings.push(`${plural(overLimit, 'text')} exceed ${tok.maxChars.toLocaleString('en-US')} characters; only the first ${tok.maxChars.toLocaleString('en-US')} are read.`);
	if (classCounts.size === 1) warnings.push(`The label column has only one class ("${[...classCounts.keys()][0]}"); a classifier needs at least two.`);
	return {
		texts: texts.length,
		missing,
		empty,
		characters: lengthStats(chars),
		tokens: lengthStats(tokenLengths),
		vocabularySize: counts.size,
		singletons: [...counts.values()].filter((c) => c === 1).length,
		topTokens: top(counts, skip, k),
		perClass: [...classCounts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([label, c]) => ({ label, texts: c.texts, topTokens: top(c.counts, skip, k) })),
		duplicates,
		language: present > 0 ? language : { ...language, note: 'No texts, so no language hint.' },
		pii,
		replacementCharacters: replacement,
		overLimit,
		warnings
	};
}
