import type { Expr } from './ast';
import { PRECEDENCE, precedenceOf } from './ast';
import { IDENTIFIER, KEYWORDS } from './tokenize';

/** A column as it must be written: bare when it is a plain name, else [bracketed] with ] doubled. */
export function printColumn(name: string): string {
	return IDENTIFIER.test(name) && !KEYWORDS.has(name.toLowerCase()) ? name : `[${name.replaceAll(']', ']]')}]`;
}

export function printString(value: string): string {
	return `'${value.replaceAll("'", "''")}'`;
}

function wrap(e: Expr, parens: boolean): string {
	return parens ? `(${printExpression(e)})` : printExpression(e);
}

/**
 * Syntax tree → source with the fewest parentheses that parse back to the same tree (the
 * parser's precedence levels mirrored: left-associative operators bracket an equal right child,
 * comparisons bracket either, ^ brackets an equal left child).
 */
export function printExpression(e: Expr): string {
	switch (e.type) {
		case 'number':
			return String(e.value);
		case 'string':
			return printString(e.value);
		case 'bool':
			return e.value ? 'true' : 'false';
		case 'missing':
			return 'missing';
		case 'column':
			return printColumn(e.name);
		case 'unary':
			return e.op === 'not' ? `not ${wrap(e.arg, precedenceOf(e.arg) < PRECEDENCE.not)}` : `-${wrap(e.arg, precedenceOf(e.arg) < PRECEDENCE.negate)}`;
		case 'binary': {
			const p = precedenceOf(e);
			if (e.op === '^') return `${wrap(e.left, precedenceOf(e.left) <= p)} ^ ${wrap(e.right, precedenceOf(e.right) < PRECEDENCE.negate)}`;
			if (p === PRECEDENCE.compare) return `${wrap(e.left, precedenceOf(e.left) <= p)} ${e.op} ${wrap(e.right, precedenceOf(e.right) <= p)}`;
			return `${wrap(e.left, precedenceOf(e.left) < p)} ${e.op} ${wrap(e.right, precedenceOf(e.right) <= p)}`;
		}
		case 'in':
			return `${wrap(e.arg, precedenceOf(e.arg) <= PRECEDENCE.compare)} ${e.negated ? 'not in' : 'in'} (${e.list.map(printExpression).join(', ')})`;
		case 'is-missing':
			return `${wrap(e.arg, precedenceOf(e.arg) <= PRECEDENCE.compare)} is ${e.negated ? 'not missing' : 'missing'}`;
		case 'call':
			return `${e.name}(${e.args.map(printExpression).join(', ')})`;
	}
}
