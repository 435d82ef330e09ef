import type { BinaryOp, Expr } from './ast';
import { MAX_DEPTH } from './ast';
import { FUNCTION_NAMES, SIGNATURES } from './signatures';
import { didYouMean } from './suggest';
import { describeToken, expressionError, tokenize, type Token } from './tokenize';

export interface ParsedExpression {
	ast: Expr;
	/** Source offset of each node, for errors found after parsing (unknown columns, types). */
	positions: Map<Expr, number>;
}

const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

/**
 * Recursive descent, one function per precedence level (loosest first):
 * or · and · not · comparison/in/is · + − · * / % · unary − · ^ (right-assoc) · atoms.
 */
class Parser {
	private i = 0;
	private depth = 0;
	readonly positions = new Map<Expr, number>();
	private readonly depths = new Map<Expr, number>();

	constructor(
		private readonly source: string,
		private readonly tokens: Token[]
	) {}

	private get token(): Token {
		return this.tokens[this.i];
	}

	private fail(token: Token, message: string): never {
		throw expressionError(this.source, token.start, message);
	}

	private atEnd(): boolean {
		return this.token.type === 'end';
	}

	private isOp(text: string): boolean {
		return this.token.type === 'operator' && this.token.text === text;
	}

	private isKeyword(text: string): boolean {
		return this.token.type === 'keyword' && this.token.text === text;
	}

	private expectOp(text: string, context: string): void {
		if (!this.isOp(text)) this.fail(this.token, `expected "${text}" ${context}, found ${describeToken(this.token)}.`);
		this.i++;
	}

	/** Records where a node starts and refuses trees deeper than MAX_DEPTH. */
	private node<T extends Expr>(expr: T, start: number, children: Expr[]): T {
		const depth = 1 + Math.max(0, ...children.map((c) => this.depths.get(c) ?? 1));
		if (depth > MAX_DEPTH) throw expressionError(this.source, start, `the expression nests deeper than ${MAX_DEPTH} levels; split it into several derived columns.`);
		this.depths.set(expr, depth);
		this.positions.set(expr, start);
		return expr;
	}

	/** Guards the recursion itself, so "((((…" fails cleanly instead of overflowing the stack. */
	private nested<T>(parse: () => T): T {
		if (++this.depth > MAX_DEPTH) this.fail(this.token, `the expression nests deeper than ${MAX_DEPTH} levels; split it into several derived columns.`);
		try {
			return parse();
		} finally {
			this.depth--;
		}
	}

	parseAll(): Expr {
		if (this.token.type === 'end') this.fail(this.token, 'the expression is empty; write a condition such as  age >= 18.');
		const expr = this.parseOr();
		if (!this.atEnd()) {
			const hint = COMPARISONS.has(this.token.text) || this.isKeyword('in') || this.isKeyword('is') ? ' Comparisons cannot be chained: join them with "and".' : '';
			this.fail(this.token, `expected an operator or the end, found ${describeToken(this.token)}.${hint}`);
		}
		return expr;
	}

	private parseBinaryLevel(ops: string[], next: () => Expr, keyword: boolean): Expr {
		const start = this.token.start;
		let left = next();
		while (keyword ? ops.some((o) => this.isKeyword(o)) : ops.some((o) => this.isOp(o))) {
			const op = this.token.text as BinaryOp;
			this.i++;
			const right = next();
			left = this.node({ type: 'binary', op, left, right }, start, [left, right]);
		}
		return left;
	}

	private parseOr = (): Expr => this.nested(() => this.parseBinaryLevel(['or'], this.parseAnd, true));
	private parseAnd = (): Expr => this.parseBinaryLevel(['and'], this.parseNot, true);

	private parseNot = (): Expr => {
		if (!this.isKeyword('not')) return this.parseComparison();
		const start = this.token.start;
		this.i++;
		const arg = this.nested(this.parseNot);
		return this.node({ type: 'unary', op: 'not', arg }, start, [arg]);
	};

	private parseComparison = (): Expr => {
		const start = this.token.start;
		const left = this.parseAdditive();
		const token = this.token;
		if (token.type === 'operator' && COMPARISONS.has(token.text)) {
			this.i++;
			const right = this.parseAdditive();
			return this.node({ type: 'binary', op: token.text as BinaryOp, left, right }, start, [left, right]);
		}
		if (this.isKeyword('is')) {
			this.i++;
			const negated = this.isKeyword('not');
			if (negated) this.i++;
			if (!this.isKeyword('missing')) this.fail(this.token, `expected "missing" after "is${negated ? ' not' : ''}", found ${describeToken(this.token)}.`);
			this.i++;
			return this.node({ type: 'is-missing', arg: left, negated }, start, [left]);
		}
		const negated = this.isKeyword('not') && this.tokens[this.i + 1]?.type === 'keyword' && this.tokens[this.i + 1].text === 'in';
		if (negated) this.i++;
		if (this.isKeyword('in')) {
			this.i++;
			const list = this.parseList('after "in"');
			if (list.length === 0) this.fail(token, 'the list after "in" is empty; write  x in (1, 2).');
			return this.node({ type: 'in', arg: left, list, negated }, start, [left, ...list]);
		}
		return left;
	};

	private parseAdditive = (): Expr => this.parseBinaryLevel(['+', '-'], this.parseMultiplicative, false);
	private parseMultiplicative = (): Expr => this.parseBinaryLevel(['*', '/', '%'], this.parseUnary, false);

	private parseUnary = (): Expr => {
		if (!this.isOp('-')) return this.parsePower();
		const start = this.token.start;
		this.i++;
		const arg = this.nested(this.parseUnary);
		return this.node({ type: 'unary', op: '-', arg }, start, [arg]);
	};

	private parsePower = (): Expr => {
		const start = this.token.start;
		const base = this.parseAtom();
		if (!this.isOp('^')) return base;
		this.i++;
		// The exponent may carry its own sign (2 ^ -1) and binds to the right (2 ^ 3 ^ 2 = 2 ^ 9).
		const exponent = this.nested(this.parseUnary);
		return this.node({ type: 'binary', op: '^', left: base, right: exponent }, start, [base, exponent]);
	};

	/** "(a, b, …)" after a function name or "in". */
	private parseList(context: string): Expr[] {
		this.expectOp('(', context);
		const items: Expr[] = [];
		if (this.isOp(')')) {
			this.i++;
			return items;
		}
		for (;;) {
			items.push(this.parseOr());
			if (this.isOp(')')) break;
			if (!this.isOp(',')) this.fail(this.token, `expected "," or ")" in the list, found ${describeToken(this.token)}.`);
			this.i++;
		}
		this.i++;
		return items;
	}

	private parseAtom(): Expr {
		const token = this.token;
		const start = token.start;
		switch (token.type) {
			case 'number': {
				this.i++;
				return this.node({ type: 'number', value: Number(token.text) }, start, []);
			}
			case 'string':
				this.i++;
				return this.node({ type: 'string', value: token.text }, start, []);
			case 'column':
				this.i++;
				return this.node({ type: 'column', name: token.text }, start, []);
			case 'identifier': {
				this.i++;
				if (!this.isOp('(')) return this.node({ type: 'column', name: token.text }, start, []);
				return this.parseCall(token);
			}
			case 'keyword':
				if (token.text === 'true' || token.text === 'false') {
					this.i++;
					return this.node({ type: 'bool', value: token.text === 'true' }, start, []);
				}
				if (token.text === 'missing') {
					this.i++;
					return this.node({ type: 'missing' }, start, []);
				}
				return this.fail(token, `expected a value (a number, 'text', a column or "("), found the keyword "${token.text}". A column with that name must be written [${token.text}].`);
			case 'operator':
				if (token.text === '(') {
					this.i++;
					const inner = this.parseOr();
					this.expectOp(')', 'to close the "(" at character ' + (start + 1));
					return inner;
				}
				return this.fail(token, `expected a value (a number, 'text', a column or "("), found ${describeToken(token)}.`);
			default:
				return this.fail(token, `expected a value (a number, 'text', a column or "("), found ${describeToken(token)}.`);
		}
	}

	private parseCall(token: Token): Expr {
		const name = token.text.toLowerCase();
		const signature = SIGNATURES[name];
		if (!signature) this.fail(token, `there is no function "${token.text}".${didYouMean(token.text, FUNCTION_NAMES)} Known functions: ${FUNCTION_NAMES.join(', ')}.`);
		const args = this.nested(() => this.parseList(`after ${name}`));
		if (args.length < signature.min || args.length > signature.max) {
			const wanted = signature.min === signature.max ? `${signature.min}` : signature.max >= 64 ? `at least ${signature.min}` : `${signature.min} or ${signature.max}`;
			this.fail(token, `${name}() takes ${wanted} argument${wanted === '1' ? '' : 's'}, found ${args.length}. ${signature.help}.`);
		}
		return this.node({ type: 'call', name, args }, token.start, args);
	}
}

export function parseExpressionWithPositions(source: string): ParsedExpression {
	const parser = new Parser(source, tokenize(source));
	const ast = parser.parseAll();
	return { ast, positions: parser.positions };
}

/** Source text → syntax tree; throws KilnError('ExpressionError') naming the character and what was expected. */
export function parseExpression(source: string): Expr {
	return parseExpressionWithPositions(source).ast;
}
