import type { Column, Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import type { ParsedConll } from './conll';
import type { TaggedSentence } from './nn/sequences';

/**
 * A tagged corpus stored as an ordinary dataset, one row per token: the sentence number, the
 * token and its tag. Datasets, bundles and the Data page then need nothing new; a tagger run
 * groups the rows back into sentences in file order.
 */
export const TAGGED_COLUMNS = { sentence: 'sentence', token: 'token', tag: 'tag' } as const;

function categorical(name: string, values: readonly string[]): Column {
	const index = new Map<string, number>();
	const categories: string[] = [];
	const codes = Int32Array.from(values, (v) => {
		let code = index.get(v);
		if (code === undefined) {
			code = categories.length;
			categories.push(v);
			index.set(v, code);
		}
		return code;
	});
	return { name, kind: 'categorical', categories, codes };
}

/** Parsed CoNLL → a table of sentence (1-based), token, tag. */
export function conllTable(parsed: ParsedConll): Table {
	const sentence: number[] = [];
	const tokens: string[] = [];
	const tags: string[] = [];
	parsed.sentences.forEach((s, i) => {
		for (let j = 0; j < s.tokens.length; j++) {
			sentence.push(i + 1);
			tokens.push(s.tokens[j]);
			tags.push(s.tags[j]);
		}
	});
	return {
		rowCount: tokens.length,
		columns: [{ name: TAGGED_COLUMNS.sentence, kind: 'numeric', values: Float64Array.from(sentence) }, categorical(TAGGED_COLUMNS.token, tokens), categorical(TAGGED_COLUMNS.tag, tags)]
	};
}

/** True for a dataset shaped like `conllTable`'s (numeric sentence, categorical token and tag). */
export function isTaggedDataset(columns: readonly { name: string; kind: string }[]): boolean {
	const kind = (name: string) => columns.find((c) => c.name === name)?.kind;
	return kind(TAGGED_COLUMNS.sentence) === 'numeric' && kind(TAGGED_COLUMNS.token) === 'categorical' && kind(TAGGED_COLUMNS.tag) === 'categorical';
}

/** Rows back to sentences (consecutive rows with one sentence number), tags most frequent first. */
export function taggedSentences(table: Table, names: { sentence: string; token: string; tag: string } = TAGGED_COLUMNS): { sentences: TaggedSentence[]; tags: string[] } {
	const find = (name: string) => {
		const column = table.columns.find((c) => c.name === name);
		if (!column) throw new KilnError('SchemaMismatchError', `The dataset has no column “${name}”; a tagger reads the sentence, token and tag columns a CoNLL import makes.`);
		return column;
	};
	const sentence = find(names.sentence);
	const token = find(names.token);
	const tag = find(names.tag);
	if (sentence.kind !== 'numeric' || token.kind !== 'categorical' || tag.kind !== 'categorical') throw new KilnError('SchemaMismatchError', `“${names.sentence}” must hold numbers and “${names.token}”, “${names.tag}” text.`);
	const sentences: TaggedSentence[] = [];
	const counts = new Map<string, number>();
	let current: TaggedSentence | null = null;
	let id = NaN;
	for (let r = 0; r < table.rowCount; r++) {
		const s = sentence.values[r];
		const t = token.codes[r];
		const g = tag.codes[r];
		if (Number.isNaN(s) || t < 0 || g < 0) throw new KilnError('ValidationError', `Row ${r + 1} has no ${Number.isNaN(s) ? 'sentence number' : t < 0 ? 'token' : 'tag'}; every row of a tagged corpus needs all three.`);
		if (!current || s !== id) {
			current = { tokens: [], tags: [] };
			sentences.push(current);
			id = s;
		}
		current.tokens.push(token.categories[t]);
		current.tags.push(tag.categories[g]);
		counts.set(tag.categories[g], (counts.get(tag.categories[g]) ?? 0) + 1);
	}
	if (sentences.length === 0) throw new KilnError('ValidationError', 'The dataset holds no tagged tokens.');
	const tags = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t);
	return { sentences, tags };
}

/** One evaluated token: where it is, and its sentence with the token marked, for reading mistakes. */
export interface TokenRow {
	sentence: number;
	position: number;
	token: string;
	context: string;
}

/**
 * Per-token evaluation inputs from a tagger's [sentences × maxLength × tags] probabilities: the
 * truth and probabilities of every tagged token the model read (tokens past maxLength are not
 * scored, as in training), flattened in sentence order.
 */
export function tokenScores(sentences: readonly TaggedSentence[], rows: ArrayLike<number>, probabilities: Float32Array, maxLength: number, tags: readonly string[]): { truth: Int32Array; probabilities: Float32Array; tokens: TokenRow[] } {
	const k = tags.length;
	const index = new Map(tags.map((t, i) => [t, i]));
	const truth: number[] = [];
	const tokens: TokenRow[] = [];
	const picked: number[] = [];
	for (let i = 0; i < rows.length; i++) {
		const s = sentences[rows[i]];
		const n = Math.min(s.tokens.length, maxLength);
		for (let j = 0; j < n; j++) {
			truth.push(index.get(s.tags[j]) ?? -1);
			picked.push((i * maxLength + j) * k);
			const context = s.tokens.map((t, x) => (x === j ? `[${t}]` : t)).join(' ');
			tokens.push({ sentence: rows[i], position: j, token: s.tokens[j], context });
		}
	}
	const out = new Float32Array(picked.length * k);
	picked.forEach((offset, i) => out.set(probabilities.subarray(offset, offset + k), i * k));
	return { truth: Int32Array.from(truth), probabilities: out, tokens };
}
