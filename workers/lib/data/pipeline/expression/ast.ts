/** Syntax tree of Kiln's expression language (filters and derived columns). Plain JSON. */

export type BinaryOp = 'or' | 'and' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '^';

export type Expr =
	| { type: 'number'; value: number }
	| { type: 'string'; value: string }
	| { type: 'bool'; value: boolean }
	| { type: 'missing' }
	| { type: 'column'; name: string }
	| { type: 'unary'; op: '-' | 'not'; arg: Expr }
	| { type: 'binary'; op: BinaryOp; left: Expr; right: Expr }
	| { type: 'in'; arg: Expr; list: Expr[]; negated: boolean }
	| { type: 'is-missing'; arg: Expr; negated: boolean }
	| { type: 'call'; name: string; args: Expr[] };

/** Longer expressions are refused: a filter is a line, not a program. */
export const MAX_EXPRESSION_LENGTH = 2000;
/** Deeper nesting is refused before the recursive parser or evaluator could overflow the stack. */
export const MAX_DEPTH = 64;

/** Binding strength, loosest first; the printer and parser share it so they cannot disagree. */
export const PRECEDENCE = {
	or: 1,
	and: 2,
	not: 3,
	compare: 4,
	additive: 5,
	multiplicative: 6,
	negate: 7,
	power: 8,
	atom: 9
} as const;

export function binaryPrecedence(op: BinaryOp): number {
	switch (op) {
		case 'or':
			return PRECEDENCE.or;
		case 'and':
			return PRECEDENCE.and;
		case '+':
		case '-':
			return PRECEDENCE.additive;
		case '*':
		case '/':
		case '%':
			return PRECEDENCE.multiplicative;
		case '^':
			return PRECEDENCE.power;
		default:
			return PRECEDENCE.compare;
	}
}

export function precedenceOf(e: Expr): number {
	switch (e.type) {
		case 'binary':
			return binaryPrecedence(e.op);
		case 'unary':
			return e.op === 'not' ? PRECEDENCE.not : PRECEDENCE.negate;
		case 'in':
		case 'is-missing':
			return PRECEDENCE.compare;
		default:
			return PRECEDENCE.atom;
	}
}

/** Column names an expression reads, each once, in first-use order. */
export function referencedColumns(e: Expr, into: string[] = []): string[] {
	switch (e.type) {
		case 'column':
			if (!into.includes(e.name)) into.push(e.name);
			break;
		case 'unary':
		case 'is-missing':
			referencedColumns(e.arg, into);
			break;
		case 'binary':
			referencedColumns(e.left, into);
			referencedColumns(e.right, into);
			break;
		case 'in':
			referencedColumns(e.arg, into);
			e.list.forEach((item) => referencedColumns(item, into));
			break;
		case 'call':
			e.args.forEach((arg) => referencedColumns(arg, into));
			break;
	}
	return into;
}
