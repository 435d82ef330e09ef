import type { Table } from '$workers/protocol';
import type { Expr } from './ast';
import { referencedColumns } from './ast';
import { checkTypes, type SchemaColumn } from './check';
import { callFunction } from './functions';
import { parseExpressionWithPositions } from './parse';
import type { ValueType } from './signatures';
import { boolConstant, finite, missingOf, numberConstant, stringConstant, textAt, FALSE, TRUE, UNKNOWN, type BoolVec, type NumberVec, type StringVec, type Vec } from './vectors';
import { KilnError } from '$shared/errors';
import { mapToFloat64, mapToInt8 } from '../typed';

export type ResultType = 'number' | 'string' | 'bool';
type Resolved = Exclude<Vec, { type: 'any' }>;

export interface CompiledExpression {
	source: string;
	ast: Expr;
	/** A bare `missing` has no type of its own and counts as a number. */
	type: ResultType;
	columns: string[];
	/** One value per table row. Never mutate the result: it may share a column's array. */
	evaluate(table: Table): Resolved;
}

/** Parse and type-check against the columns that exist at this point of the pipeline. */
export function compileExpression(source: string, schema: readonly SchemaColumn[]): CompiledExpression {
	const { ast, positions } = parseExpressionWithPositions(source);
	const types = checkTypes(source, ast, positions, schema);
	const top = types.get(ast)!;
	const type: ResultType = top === 'any' ? 'number' : top;
	return {
		source,
		ast,
		type,
		columns: referencedColumns(ast),
		evaluate: (table) => {
			const result = evaluateNode(ast, table, types);
			return result.type === 'any' ? missingOf(type, table.rowCount) : result;
		}
	};
}

function numeric(v: Vec, n: number): Float64Array {
	return v.type === 'number' ? v.values : (missingOf('number', n) as NumberVec).values;
}
function boolean(v: Vec, n: number): Int8Array {
	return v.type === 'bool' ? v.values : (missingOf('bool', n) as BoolVec).values;
}

function arithmetic(op: string, a: Float64Array, b: Float64Array, n: number): NumberVec {
	const out = new Float64Array(n);
	for (let r = 0; r < n; r++) {
		const x = a[r];
		const y = b[r];
		let v: number;
		switch (op) {
			case '+': v = x + y; break;
			case '-': v = x - y; break;
			case '*': v = x * y; break;
			case '/': v = x / y; break;
			case '%': v = x % y; break;
			default: v = x ** y;
		}
		out[r] = finite(v);
	}
	return { type: 'number', values: out };
}

function holds(op: string, order: number): boolean {
	switch (op) {
		case '=': return order === 0;
		case '!=': return order !== 0;
		case '<': return order < 0;
		case '<=': return order <= 0;
		case '>': return order > 0;
		default: return order >= 0;
	}
}

/** −1/0/1 order of two cells, or null when either is missing (then every comparison is unknown). */
function orderAt(a: Resolved, b: Resolved, r: number): number | null {
	if (a.type === 'number' && b.type === 'number') {
		const x = a.values[r];
		const y = b.values[r];
		return Number.isNaN(x) || Number.isNaN(y) ? null : x < y ? -1 : x > y ? 1 : 0;
	}
	if (a.type === 'bool' && b.type === 'bool') {
		const x = a.values[r];
		const y = b.values[r];
		return x === UNKNOWN || y === UNKNOWN ? null : x - y;
	}
	// Text compares by UTF-16 code units: locale-free, so the same everywhere.
	const x = textAt(a as StringVec, r);
	const y = textAt(b as StringVec, r);
	return x === null || y === null ? null : x < y ? -1 : x > y ? 1 : 0;
}

function compare(op: string, a: Resolved, b: Resolved, n: number): BoolVec {
	const out = new Int8Array(n);
	if (a.type === 'number' && b.type === 'number') {
		// The common case (age > 18) as a tight loop; NaN fails every test, so check it first.
		const x = a.values;
		const y = b.values;
		for (let r = 0; r < n; r++) {
			const u = x[r];
			const v = y[r];
			out[r] = u !== u || v !== v ? UNKNOWN : holds(op, u < v ? -1 : u > v ? 1 : 0) ? TRUE : FALSE;
		}
		return { type: 'bool', values: out };
	}
	for (let r = 0; r < n; r++) {
		const order = orderAt(a, b, r);
		out[r] = order === null ? UNKNOWN : holds(op, order) ? TRUE : FALSE;
	}
	return { type: 'bool', values: out };
}

/** SQL's three-valued logic: false and unknown = false, true or unknown = true. */
function logic(op: 'and' | 'or', a: Int8Array, b: Int8Array, n: number): BoolVec {
	const out = new Int8Array(n);
	const dominant = op === 'and' ? FALSE : TRUE;
	for (let r = 0; r < n; r++) {
		out[r] = a[r] === dominant || b[r] === dominant ? dominant : a[r] === UNKNOWN || b[r] === UNKNOWN ? UNKNOWN : a[r];
	}
	return { type: 'bool', values: out };
}

function resolve(v: Vec, type: ValueType, n: number): Resolved {
	if (v.type !== 'any') return v;
	return missingOf(type === 'any' ? 'number' : type, n);
}

function evaluateNode(node: Expr, table: Table, types: Map<Expr, ValueType>): Vec {
	const n = table.rowCount;
	const ev = (e: Expr) => evaluateNode(e, table, types);
	switch (node.type) {
		case 'number':
			return numberConstant(node.value, n);
		case 'string':
			return stringConstant(node.value, n);
		case 'bool':
			return boolConstant(node.value, n);
		case 'missing':
			return { type: 'any' };
		case 'column': {
			const column = table.columns.find((c) => c.name === node.name);
			if (!column) throw new KilnError('ExpressionError', `There is no column "${node.name}" in this table.`);
			return column.kind === 'numeric' ? { type: 'number', values: column.values } : { type: 'string', codes: column.codes, dict: column.categories };
		}
		case 'unary': {
			if (node.op === '-') {
				const a = numeric(ev(node.arg), n);
				return { type: 'number', values: mapToFloat64(a, (x) => -x) };
			}
			const a = boolean(ev(node.arg), n);
			return { type: 'bool', values: mapToInt8(a, (x) => (x === UNKNOWN ? UNKNOWN : 1 - x)) };
		}
		case 'binary': {
			const op = node.op;
			if (op === 'and' || op === 'or') return logic(op, boolean(ev(node.left), n), boolean(ev(node.right), n), n);
			if (op === '=' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>=') {
				const shared = types.get(node.left) === 'any' ? types.get(node.right)! : types.get(node.left)!;
				return compare(op, resolve(ev(node.left), shared, n), resolve(ev(node.right), shared, n), n);
			}
			return arithmetic(op, numeric(ev(node.left), n), numeric(ev(node.right), n), n);
		}
		case 'in': {
			const shared = [node.arg, ...node.list].map((e) => types.get(e)!).find((t) => t !== 'any') ?? 'number';
			const arg = resolve(ev(node.arg), shared, n);
			const items = node.list.map((e) => resolve(ev(e), shared, n));
			const out = new Int8Array(n);
			for (let r = 0; r < n; r++) {
				let result = FALSE;
				for (const item of items) {
					const order = orderAt(arg, item, r);
					if (order === 0) {
						result = TRUE;
						break;
					}
					if (order === null) result = UNKNOWN;
				}
				out[r] = result === TRUE ? (node.negated ? FALSE : TRUE) : result === UNKNOWN ? UNKNOWN : node.negated ? TRUE : FALSE;
			}
			return { type: 'bool', values: out };
		}
		case 'is-missing': {
			const v = ev(node.arg);
			const yes = node.negated ? FALSE : TRUE;
			const no = node.negated ? TRUE : FALSE;
			const out = new Int8Array(n).fill(v.type === 'any' ? yes : no);
			if (v.type === 'number') for (let r = 0; r < n; r++) out[r] = v.values[r] !== v.values[r] ? yes : no;
			else if (v.type === 'bool') for (let r = 0; r < n; r++) out[r] = v.values[r] === UNKNOWN ? yes : no;
			else if (v.type === 'string') for (let r = 0; r < n; r++) out[r] = v.codes[r] < 0 ? yes : no;
			return { type: 'bool', values: out };
		}
		case 'call':
			return callFunction(node.name, node.args.map(ev), n, types.get(node)!);
	}
}
