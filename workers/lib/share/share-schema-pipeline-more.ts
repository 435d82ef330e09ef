import { KilnError } from '$shared/errors';
import { compileExpression, MAX_EXPRESSION_LENGTH } from '$workers/lib/data/pipeline/expression';
import type { SharePipelineStepMore, ShareTfidfFeature, ShareDatePart } from './kinds-pipeline';
import type { Checker } from './validate';

type Kind = 'numeric' | 'categorical';
export const MORE_STEP_KINDS = ['date-parts', 'derive', 'anonymise', 'mask-pii'] as const;
export const MORE_STEP_KEYS = ['parts', 'keepSource', 'name', 'expression', 'method', 'kinds'] as const;
/** TF-IDF terms a link may carry (the Prepare editor allows up to the hashing bucket cap). */
export const TFIDF_LIMITS = { terms: 4096, termChars: 1000, documents: 1e9, maxChars: 1_000_000 } as const;

interface Walk {
	columns: Map<string, Kind>;
	need(column: string, at: string, kind?: Kind): void;
	name(v: unknown, at: string): string;
}

/** A date-parts, derive, anonymise or mask-PII step from untrusted JSON, walked over the columns like the others. */
export function checkStepMore(c: Checker, v: unknown, at: string, kind: (typeof MORE_STEP_KINDS)[number], w: Walk): SharePipelineStepMore {
	if (kind === 'date-parts') {
		const s = c.object(v, at, ['kind', 'column', 'parts', 'keepSource']);
		const column = w.name(s.column, `${at}.column`);
		w.need(column, `${at} (date parts)`, 'numeric');
		const parts = c.array(s.parts, `${at}.parts`, 5, 1).map((p, i) => c.oneOf(p, `${at}.parts[${i}]`, ['year', 'month', 'day', 'weekday', 'hour'] as const)) as ShareDatePart[];
		c.unique(parts, `${at}.parts`);
		const keepSource = c.boolean(s.keepSource, `${at}.keepSource`);
		parts.forEach((p) => w.columns.set(`${column}_${p}`, 'numeric'));
		if (!keepSource) w.columns.delete(column);
		return { kind, column, parts, keepSource };
	}
	if (kind === 'derive') {
		const s = c.object(v, at, ['kind', 'name', 'expression']);
		const name = w.name(s.name, `${at}.name`);
		const expression = c.string(s.expression, `${at}.expression`, MAX_EXPRESSION_LENGTH, { min: 1 });
		// The studio's parser and type checker, on the columns this step would see.
		let type: string;
		try {
			type = compileExpression(expression, [...w.columns].map(([n, k]) => ({ name: n, kind: k }))).type;
		} catch (error) {
			c.fail(`${at} (derive "${name.slice(0, 40)}")`, `has an expression Kiln cannot use: ${error instanceof KilnError ? error.message.slice(0, 300) : 'it does not parse'}`);
		}
		w.columns.set(name, type === 'string' ? 'categorical' : 'numeric');
		return { kind, name, expression };
	}
	if (kind === 'mask-pii') {
		const s = c.object(v, at, ['kind', 'column', 'kinds']);
		const column = w.name(s.column, `${at}.column`);
		w.need(column, `${at} (mask-pii)`, 'categorical');
		const kinds = c.array(s.kinds, `${at}.kinds`, 2, 1).map((k, i) => c.oneOf(k, `${at}.kinds[${i}]`, ['email', 'phone'] as const));
		c.unique(kinds, `${at}.kinds`);
		return { kind, column, kinds };
	}
	const s = c.object(v, at, ['kind', 'column', 'method']);
	const column = w.name(s.column, `${at}.column`);
	const mat = `${at}.method`;
	const type = c.oneOf(c.object(s.method, mat, ['type'], ['width', 'keepStart', 'keepEnd']).type, `${mat}.type`, ['drop', 'range', 'month', 'mask'] as const);
	w.need(column, `${at} (anonymise)`, type === 'range' || type === 'month' ? 'numeric' : undefined);
	if (type === 'drop') {
		c.object(s.method, mat, ['type']);
		w.columns.delete(column);
		return { kind, column, method: { type } };
	}
	w.columns.set(column, 'categorical');
	if (type === 'range') {
		const m = c.object(s.method, mat, ['type', 'width']);
		return { kind, column, method: { type, width: c.number(m.width, `${mat}.width`, { above: 0 }) } };
	}
	if (type === 'month') return (c.object(s.method, mat, ['type']), { kind, column, method: { type } });
	const m = c.object(s.method, mat, ['type', 'keepStart', 'keepEnd']);
	return { kind, column, method: { type, keepStart: c.integer(m.keepStart, `${mat}.keepStart`, 0, 100), keepEnd: c.integer(m.keepEnd, `${mat}.keepEnd`, 0, 100) } };
}

export const TFIDF_KEYS = ['rules', 'ngrams', 'sublinear', 'terms', 'df', 'documents'] as const;

/** A TF-IDF encoding from untrusted JSON: distinct terms, document counts within the document total. */
export function checkTfidf(c: Checker, v: unknown, at: string, w: Walk): ShareTfidfFeature {
	const f = c.object(v, at, ['kind', 'column', ...TFIDF_KEYS]);
	const column = w.name(f.column, `${at}.column`);
	w.need(column, `${at} (TF-IDF)`, 'categorical');
	const r = c.object(f.rules, `${at}.rules`, ['form', 'lowercase', 'punctuation', 'numbers', 'maxChars']);
	const rules = {
		form: c.oneOf(r.form, `${at}.rules.form`, ['NFC', 'NFKC'] as const),
		lowercase: c.boolean(r.lowercase, `${at}.rules.lowercase`),
		punctuation: c.oneOf(r.punctuation, `${at}.rules.punctuation`, ['keep', 'drop'] as const),
		numbers: c.oneOf(r.numbers, `${at}.rules.numbers`, ['keep', 'normalise'] as const),
		maxChars: c.integer(r.maxChars, `${at}.rules.maxChars`, 1, TFIDF_LIMITS.maxChars)
	};
	const terms = c.array(f.terms, `${at}.terms`, TFIDF_LIMITS.terms, 1).map((t, i) => c.string(t, `${at}.terms[${i}]`, TFIDF_LIMITS.termChars, { min: 1 }));
	c.unique(terms, `${at}.terms`);
	const documents = c.integer(f.documents, `${at}.documents`, 1, TFIDF_LIMITS.documents);
	const df = c.array(f.df, `${at}.df`, terms.length, terms.length).map((d, i) => c.integer(d, `${at}.df[${i}]`, 1, documents));
	return { kind: 'tfidf', column, rules, ngrams: c.integer(f.ngrams, `${at}.ngrams`, 1, 3), sublinear: c.boolean(f.sublinear, `${at}.sublinear`), terms, df, documents };
}
