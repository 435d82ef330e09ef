import { KilnError } from '$shared/errors';
import { MAX_EXPRESSION_LENGTH } from './ast';

export type TokenType = 'number' | 'string' | 'identifier' | 'column' | 'keyword' | 'operator' | 'end';

export interface Token {
	type: TokenType;
	/** The number's value, the string's or column's unescaped text, the lower-cased keyword or the operator. */
	text: string;
	/** 0-based offset in the source. */
	start: number;
}

export const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'missing', 'true', 'false']);
export const IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_]*$/u;
const IDENTIFIER_START = /[\p{L}_]/u;
const IDENTIFIER_PART = /[\p{L}\p{N}_]/u;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
// Longest first, so "<=" is not read as "<" then "=".
const OPERATORS = ['==', '!=', '<>', '<=', '>=', '+', '-', '*', '/', '%', '^', '(', ')', ',', '=', '<', '>'];

/** "at character 5" counts from 1, as a person reads the expression. */
export function expressionError(source: string, offset: number, message: string): KilnError {
	const where = offset >= source.length ? 'at the end' : `at character ${offset + 1}`;
	return new KilnError('ExpressionError', `Expression error ${where}: ${message}`);
}

export function describeToken(token: Token): string {
	switch (token.type) {
		case 'end':
			return 'the end of the expression';
		case 'string':
			return `the text '${token.text}'`;
		case 'column':
			return `the column [${token.text}]`;
		case 'number':
			return `the number ${token.text}`;
		default:
			return `"${token.text}"`;
	}
}

/** Quoted text or a bracketed name; the closing mark is escaped by doubling it ('it''s', [a]]b]). */
function readQuoted(source: string, start: number, close: string, what: string): { text: string; end: number } {
	let text = '';
	let i = start + 1;
	for (;;) {
		const next = source.indexOf(close, i);
		if (next < 0) throw expressionError(source, start, `this ${what} is never closed; add the missing ${close}.`);
		text += source.slice(i, next);
		if (source[next + 1] === close) {
			text += close;
			i = next + 2;
		} else return { text, end: next + 1 };
	}
}

export function tokenize(source: string): Token[] {
	if (source.length > MAX_EXPRESSION_LENGTH) {
		throw new KilnError('ExpressionError', `The expression is ${source.length} characters long; at most ${MAX_EXPRESSION_LENGTH} are allowed.`);
	}
	const tokens: Token[] = [];
	let i = 0;
	while (i < source.length) {
		const c = source[i];
		if (/\s/.test(c)) {
			i++;
			continue;
		}
		if (/[0-9.]/.test(c)) {
			NUMBER.lastIndex = i;
			const m = NUMBER.exec(source);
			if (!m) throw expressionError(source, i, 'a lone "." is not a number; write 0.5 rather than .');
			tokens.push({ type: 'number', text: m[0], start: i });
			i += m[0].length;
			continue;
		}
		if (c === "'" || c === '"') {
			const { text, end } = readQuoted(source, i, c, 'text');
			tokens.push({ type: 'string', text, start: i });
			i = end;
			continue;
		}
		if (c === '[' || c === '`') {
			const { text, end } = readQuoted(source, i, c === '[' ? ']' : '`', 'column name');
			if (text === '') throw expressionError(source, i, 'an empty column name; write the column between the brackets, e.g. [sepal length].');
			tokens.push({ type: 'column', text, start: i });
			i = end;
			continue;
		}
		// Letters outside the BMP are two UTF-16 units; step by code point.
		const point = String.fromCodePoint(source.codePointAt(i)!);
		if (IDENTIFIER_START.test(point)) {
			let end = i + point.length;
			while (end < source.length) {
				const next = String.fromCodePoint(source.codePointAt(end)!);
				if (!IDENTIFIER_PART.test(next)) break;
				end += next.length;
			}
			const word = source.slice(i, end);
			const lower = word.toLowerCase();
			tokens.push(KEYWORDS.has(lower) ? { type: 'keyword', text: lower, start: i } : { type: 'identifier', text: word, start: i });
			i = end;
			continue;
		}
		const op = OPERATORS.find((o) => source.startsWith(o, i));
		if (!op) throw expressionError(source, i, `"${point}" is not part of the expression language; put column names with spaces or symbols in [brackets] and text in 'quotes'.`);
		tokens.push({ type: 'operator', text: op === '==' ? '=' : op === '<>' ? '!=' : op, start: i });
		i += op.length;
	}
	tokens.push({ type: 'end', text: '', start: source.length });
	return tokens;
}
