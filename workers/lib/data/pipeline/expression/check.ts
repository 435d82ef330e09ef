import type { ColumnKind } from '$workers/protocol';
import type { Expr } from './ast';
import { printExpression } from './print';
import { SIGNATURES, type ValueType } from './signatures';
import { didYouMean } from './suggest';
import { expressionError } from './tokenize';

export interface SchemaColumn {
	name: string;
	kind: ColumnKind;
}

const TYPE_NAMES: Record<ValueType, string> = { number: 'a number', string: 'text', bool: 'true/false', any: 'missing' };

/**
 * Static types before any row is touched, so "lower(age)" fails once with a message instead of
 * producing a column of nonsense. Returns each node's type; `missing` literals take their
 * context's type where one exists.
 */
export function checkTypes(source: string, ast: Expr, positions: Map<Expr, number>, schema: readonly SchemaColumn[]): Map<Expr, ValueType> {
	const types = new Map<Expr, ValueType>();
	const kinds = new Map(schema.map((c) => [c.name, c.kind]));

	const fail = (node: Expr, message: string): never => {
		throw expressionError(source, positions.get(node) ?? 0, message);
	};
	const expect = (node: Expr, want: ValueType, what: string): void => {
		const got = check(node);
		if (got !== want && got !== 'any') fail(node, `${what} must be ${TYPE_NAMES[want]}, but ${printExpression(node)} is ${TYPE_NAMES[got]}.`);
	};
	/** One type shared by several operands (both sides of =, the branches of if, coalesce's arguments). */
	const unify = (nodes: Expr[], what: string): ValueType => {
		let type: ValueType = 'any';
		for (const node of nodes) {
			const t = check(node);
			if (t === 'any') continue;
			if (type !== 'any' && t !== type) fail(node, `${what} must all be of one type, but ${printExpression(node)} is ${TYPE_NAMES[t]} where ${TYPE_NAMES[type]} came before.`);
			type = t;
		}
		return type;
	};

	function check(node: Expr): ValueType {
		const type = infer(node);
		types.set(node, type);
		return type;
	}

	function infer(node: Expr): ValueType {
		switch (node.type) {
			case 'number':
				return 'number';
			case 'string':
				return 'string';
			case 'bool':
				return 'bool';
			case 'missing':
				return 'any';
			case 'column': {
				const kind = kinds.get(node.name);
				if (kind === undefined) return fail(node, `there is no column "${node.name}".${didYouMean(node.name, [...kinds.keys()])}`);
				return kind === 'numeric' ? 'number' : 'string';
			}
			case 'unary':
				if (node.op === 'not') {
					expect(node.arg, 'bool', '"not" takes a condition; its operand');
					return 'bool';
				}
				expect(node.arg, 'number', 'The operand of "-"');
				return 'number';
			case 'binary': {
				if (node.op === 'and' || node.op === 'or') {
					expect(node.left, 'bool', `Each side of "${node.op}"`);
					expect(node.right, 'bool', `Each side of "${node.op}"`);
					return 'bool';
				}
				if (node.op === '=' || node.op === '!=') {
					unify([node.left, node.right], `Both sides of "${node.op}"`);
					return 'bool';
				}
				if (node.op === '<' || node.op === '<=' || node.op === '>' || node.op === '>=') {
					const t = unify([node.left, node.right], `Both sides of "${node.op}"`);
					if (t === 'bool') fail(node, `"${node.op}" compares numbers or text, not true/false.`);
					return 'bool';
				}
				const hint = node.op === '+' ? ' (join text with concat())' : '';
				expect(node.left, 'number', `Each side of "${node.op}"${hint}`);
				expect(node.right, 'number', `Each side of "${node.op}"${hint}`);
				return 'number';
			}
			case 'in': {
				const item = node.list.find((e) => e.type === 'missing');
				if (item) fail(item, 'a list after "in" cannot hold missing; test for it with "is missing".');
				unify([node.arg, ...node.list], 'The value and the list after "in"');
				return 'bool';
			}
			case 'is-missing':
				check(node.arg);
				return 'bool';
			case 'call':
				return checkCall(node);
		}
	}

	function checkCall(node: Extract<Expr, { type: 'call' }>): ValueType {
		const signature = SIGNATURES[node.name];
		if (!signature) return fail(node, `there is no function "${node.name}".`);
		const same: Expr[] = [];
		node.args.forEach((arg, i) => {
			const param = signature.params[Math.min(i, signature.params.length - 1)];
			const what = `Argument ${i + 1} of ${node.name}()`;
			if (param === 'same') same.push(arg);
			else if (param === 'text-or-number') {
				const t = check(arg);
				if (t === 'bool') fail(arg, `${what} must be text or a number, but ${printExpression(arg)} is true/false.`);
			} else expect(arg, param, what);
		});
		const shared = unify(same, `The values of ${node.name}()`);
		return signature.returns === 'same' ? shared : signature.returns;
	}

	check(ast);
	return types;
}
