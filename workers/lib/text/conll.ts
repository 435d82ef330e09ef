import { KilnError } from '$shared/errors';
import type { TaggedSentence } from './nn/sequences';

export interface ParsedConll {
	sentences: TaggedSentence[];
	/** Tags by frequency, most frequent first. */
	tags: string[];
	tokens: number;
	format: 'two-column' | 'conll-u';
}

/**
 * Token-tagged text, one token per line and a blank line between sentences: either `token TAB tag`
 * (or space-separated) or CoNLL-U's ten columns (FORM and UPOS are used; multi-word ranges "1-2"
 * and empty nodes "1.1" are skipped). Lines starting with # are comments.
 */
export function parseConll(text: string, fileName = 'the file'): ParsedConll {
	const sentences: TaggedSentence[] = [];
	let current: TaggedSentence = { tokens: [], tags: [] };
	let format: ParsedConll['format'] | null = null;
	const counts = new Map<string, number>();
	const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
	const flush = () => {
		if (current.tokens.length > 0) sentences.push(current);
		current = { tokens: [], tags: [] };
	};
	lines.forEach((line, i) => {
		const trimmed = line.trim();
		if (trimmed === '') return flush();
		if (trimmed.startsWith('#')) return;
		const fields = line.includes('\t') ? line.split('\t').map((f) => f.trim()) : trimmed.split(/\s+/);
		const kind = fields.length >= 10 ? 'conll-u' : fields.length === 2 ? 'two-column' : null;
		if (!kind) throw new KilnError('ImportError', `${fileName}, line ${i + 1}: expected "token<TAB>tag" or the 10 columns of CoNLL-U, found ${fields.length} field${fields.length === 1 ? '' : 's'}: "${trimmed.slice(0, 80)}".`);
		if (format && kind !== format) throw new KilnError('ImportError', `${fileName}, line ${i + 1}: this line has ${fields.length} columns, but the lines before have ${format === 'conll-u' ? 10 : 2}; mixed formats cannot be read.`);
		format = kind;
		let token: string;
		let tag: string;
		if (kind === 'conll-u') {
			if (/^\d+[-.]\d+$/.test(fields[0])) return;
			[token, tag] = [fields[1], fields[3]];
		} else [token, tag] = fields;
		if (token === '' || tag === '' || tag === '_') throw new KilnError('ImportError', `${fileName}, line ${i + 1}: the token or its tag is empty.`);
		current.tokens.push(token);
		current.tags.push(tag);
		counts.set(tag, (counts.get(tag) ?? 0) + 1);
	});
	flush();
	if (sentences.length === 0) throw new KilnError('ImportError', `${fileName} holds no tagged tokens.`);
	const tags = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t);
	if (tags.length < 2) throw new KilnError('ImportError', `${fileName} uses only one tag ("${tags[0]}"); a tagger needs at least two.`);
	return { sentences, tags, tokens: sentences.reduce((n, s) => n + s.tokens.length, 0), format: format ?? 'two-column' };
}
