import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Table } from '$workers/protocol';
import { compileExpression, parseExpression, printExpression, MAX_DEPTH, type Expr } from './index';
import { cat, num, table } from '../test-tables.spec-support';
import { isKind } from '$shared/errors';

const t: Table = table(
	num('age', [30, null, 12, 70]),
	num('income', [1000, 2000, null, 0]),
	cat('name', ['Ann', 'bob', null, 'Cleo']),
	cat('home town', ['Oslo', 'Rome', 'Oslo', null]),
	num('born', [Date.UTC(1994, 0, 31), Date.UTC(2000, 1, 29, 13), null, Date.UTC(1955, 11, 1)])
);
const schema = t.columns.map((c) => ({ name: c.name, kind: c.kind }));
const run = (source: string) => {
	const compiled = compileExpression(source, schema);
	const v = compiled.evaluate(t);
	if (v.type === 'number') return Array.from(v.values, (x) => (Number.isNaN(x) ? null : x));
	if (v.type === 'bool') return Array.from(v.values, (x) => (x === -1 ? null : x === 1));
	return Array.from(v.codes, (c) => (c < 0 ? null : v.dict[c]));
};
const errorOf = (source: string): string => {
	try {
		compileExpression(source, schema);
	} catch (e) {
		expect(isKind(e, 'ExpressionError')).toBe(true);
		return (e as Error).message;
	}
	throw new Error(`no error for ${source}`);
};

describe('expression parser', () => {
	it('follows the usual precedence: power over unary minus over * over + over comparison over not over and over or', () => {
		expect(printExpression(parseExpression('-2^2'))).toBe('-2 ^ 2');
		expect(parseExpression('-2^2')).toEqual({ type: 'unary', op: '-', arg: { type: 'binary', op: '^', left: { type: 'number', value: 2 }, right: { type: 'number', value: 2 } } });
		expect(run('-2^2 + 2^3^2 * 1')).toEqual([508, 508, 508, 508]);
		expect(run('2 ^ -1')).toEqual([0.5, 0.5, 0.5, 0.5]);
		expect(run('1 + 2 * 3 - 4 / 2 % 3')).toEqual([5, 5, 5, 5]);
		expect(printExpression(parseExpression('not a = 1 and b or c'))).toBe('not a = 1 and b or c');
		expect(parseExpression('not a = 1 and b or c')).toMatchObject({ op: 'or', left: { op: 'and', left: { type: 'unary', op: 'not', arg: { op: '=' } } } });
	});

	it('reads bare, [bracketed] and `backticked` column names, quotes doubled inside', () => {
		expect(parseExpression('[home town] = `home town`')).toEqual({ type: 'binary', op: '=', left: { type: 'column', name: 'home town' }, right: { type: 'column', name: 'home town' } });
		expect(parseExpression("[a]]b] = 'it''s'")).toEqual({ type: 'binary', op: '=', left: { type: 'column', name: 'a]b' }, right: { type: 'string', value: "it's" } });
		expect(parseExpression('[and] == "x"')).toMatchObject({ left: { type: 'column', name: 'and' }, op: '=' });
		expect(printExpression(parseExpression('[and] <> [x y]'))).toBe('[and] != [x y]');
	});

	it('names the character and what was expected', () => {
		expect(errorOf('age >')).toMatch(/at the end: expected a value/);
		expect(errorOf('age > > 3')).toMatch(/at character 7: expected a value .* found ">"/);
		expect(errorOf("name = 'Ann")).toMatch(/at character 8: this text is never closed/);
		expect(errorOf('(age + 1')).toMatch(/at the end: expected "\)" to close the "\(" at character 1/);
		expect(errorOf('1 < age < 3')).toMatch(/character 9.*cannot be chained/);
		expect(errorOf('age # 3')).toMatch(/character 5: "#" is not part/);
		expect(errorOf('')).toMatch(/empty/);
		expect(errorOf('lg(age)')).toMatch(/no function "lg".*Did you mean "log"/);
		expect(errorOf('abs(age, 1)')).toMatch(/abs\(\) takes 1 argument, found 2/);
	});

	it('suggests the column meant when a name is misspelt', () => {
		expect(errorOf('agee > 3')).toMatch(/at character 1: there is no column "agee"\. Did you mean "age"\?/);
		expect(errorOf('home_town = 1')).toMatch(/Did you mean "home town"/);
		expect(errorOf('zzzzzz > 1')).not.toMatch(/Did you mean/);
	});

	it('type-checks before evaluating', () => {
		expect(errorOf('lower(age)')).toMatch(/character 7: Argument 1 of lower\(\) must be text, but age is a number/);
		expect(errorOf("age = 'x'")).toMatch(/must all be of one type/);
		expect(errorOf("name + 'x'")).toMatch(/concat/);
		expect(errorOf('age and true')).toMatch(/Each side of "and" must be true\/false/);
		expect(errorOf('age in (1, missing)')).toMatch(/is missing/);
	});

	it('caps length and depth', () => {
		expect(errorOf('1+'.repeat(1500) + '1')).toMatch(/at most 2000/);
		expect(errorOf('('.repeat(200) + '1' + ')'.repeat(200))).toMatch(new RegExp(`deeper than ${MAX_DEPTH}`));
		expect(errorOf('1' + '+1'.repeat(100))).toMatch(/deeper than/);
		expect(errorOf('-'.repeat(100) + '1')).toMatch(/deeper than/);
		expect(run('1' + '+1'.repeat(60))).toEqual([61, 61, 61, 61]);
	});
});

describe('expression evaluation', () => {
	it('propagates missing like SQL NULL', () => {
		expect(run('age + income')).toEqual([1030, null, null, 70]);
		expect(run('age > 18')).toEqual([true, null, false, true]);
		expect(run('age > 18 and income > 500')).toEqual([true, null, false, false]);
		expect(run('age > 18 or income > 500')).toEqual([true, true, null, true]);
		expect(run('not age > 18')).toEqual([false, null, true, false]);
		expect(run('age is missing')).toEqual([false, true, false, false]);
		expect(run('name is not missing')).toEqual([true, true, false, true]);
		expect(run('age in (12, 70)')).toEqual([false, null, true, true]);
		expect(run('age not in (12, 70)')).toEqual([true, null, false, false]);
		expect(run('income / 0')).toEqual([null, null, null, null]);
		expect(run('log(income)')).toEqual([Math.log(1000), Math.log(2000), null, null]);
		expect(run('sqrt(age - 20)')).toEqual([Math.sqrt(10), null, null, Math.sqrt(50)]);
		expect(run('missing')).toEqual([null, null, null, null]);
	});

	it('runs every function', () => {
		expect(run('abs(-age)')).toEqual([30, null, 12, 70]);
		expect(run('round(income / 3, 1)')).toEqual([333.3, 666.7, null, 0]);
		expect(run('round(-2.5)')).toEqual([-3, -3, -3, -3]);
		expect(run('floor(age / 7) + ceil(age / 7)')).toEqual([9, null, 3, 20]);
		expect(run('min(age, 20)')).toEqual([20, null, 12, 20]);
		expect(run('max(age, income, 50)')).toEqual([1000, null, null, 70]);
		expect(run('exp(0) + log(8, 2)')).toEqual([4, 4, 4, 4]);
		expect(run('upper(name)')).toEqual(['ANN', 'BOB', null, 'CLEO']);
		expect(run('lower(name) = "bob"')).toEqual([false, true, null, false]);
		expect(run('len(name)')).toEqual([3, 3, null, 4]);
		expect(run("contains(lower(name), 'o')")).toEqual([false, true, null, true]);
		expect(run("startswith(name, 'A') or endswith(name, 'o')")).toEqual([true, false, null, true]);
		expect(run("concat(name, '-', age)")).toEqual(['Ann-30', null, null, 'Cleo-70']);
		expect(run('year(born)')).toEqual([1994, 2000, null, 1955]);
		expect(run('month(born) * 100 + day(born)')).toEqual([131, 229, null, 1201]);
		expect(run('hour(born)')).toEqual([0, 13, null, 0]);
		expect(run('weekday(born)')).toEqual([0, 1, null, 3]);
		expect(run("if(age >= 18, 'adult', 'minor')")).toEqual(['adult', 'minor', 'minor', 'adult']);
		expect(run('if(age >= 18, income, missing)')).toEqual([1000, null, null, 0]);
		expect(run('coalesce(age, income, -1)')).toEqual([30, 2000, 12, 70]);
		expect(run("coalesce([home town], name, 'none')")).toEqual(['Oslo', 'Rome', 'Oslo', 'Cleo']);
		expect(run('name < [home town]')).toEqual([true, false, null, null]);
		expect(run('(age > 18) = (income > 500)')).toEqual([true, null, null, false]);
	});

	it('compiles the column list it reads', () => {
		expect(compileExpression('age + coalesce(income, age) > 3 and [home town] = "Oslo"', schema).columns).toEqual(['age', 'income', 'home town']);
	});
});

/** Random trees the parser can produce: non-negative literals, lower-case function names, arity kept. */
const exprArbitrary: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => ({
	expr: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		fc.double({ min: 0, max: 1e25, noNaN: true, noDefaultInfinity: true }).map((v) => ({ type: 'number' as const, value: v === 0 ? 0 : v })),
		fc.string({ maxLength: 6 }).map((value) => ({ type: 'string' as const, value })),
		fc.boolean().map((value) => ({ type: 'bool' as const, value })),
		fc.constant({ type: 'missing' as const }),
		fc.oneof(fc.constantFrom('age', 'x y', 'and', 'a]b', 'Ünïcode', 'in`', "it's", '_1'), fc.string({ minLength: 1, maxLength: 5 })).map((name) => ({ type: 'column' as const, name })),
		fc.record({ type: fc.constant('unary' as const), op: fc.constantFrom('-' as const, 'not' as const), arg: tie('expr') }),
		fc.record({
			type: fc.constant('binary' as const),
			op: fc.constantFrom('or' as const, 'and' as const, '=' as const, '!=' as const, '<' as const, '<=' as const, '>' as const, '>=' as const, '+' as const, '-' as const, '*' as const, '/' as const, '%' as const, '^' as const),
			left: tie('expr'),
			right: tie('expr')
		}),
		fc.record({ type: fc.constant('in' as const), arg: tie('expr'), list: fc.array(tie('expr'), { minLength: 1, maxLength: 3 }), negated: fc.boolean() }),
		fc.record({ type: fc.constant('is-missing' as const), arg: tie('expr'), negated: fc.boolean() }),
		fc.oneof(
			fc.tuple(fc.constantFrom('abs', 'lower', 'len', 'year'), tie('expr')).map(([name, a]) => ({ type: 'call' as const, name, args: [a] })),
			fc.tuple(fc.constantFrom('contains', 'log', 'round'), tie('expr'), tie('expr')).map(([name, a, b]) => ({ type: 'call' as const, name, args: [a, b] })),
			fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([a, b, c]) => ({ type: 'call' as const, name: 'if', args: [a, b, c] }))
		)
	)
})).expr;

describe('expression properties', () => {
	it('print then parse gives the same tree', () => {
		fc.assert(
			fc.property(exprArbitrary, (ast) => {
				expect(parseExpression(printExpression(ast))).toEqual(ast);
			}),
			{ numRuns: 2000 }
		);
	});

	it('any string either parses or fails with an ExpressionError, never anything else', () => {
		const alphabet = fc.constantFrom(...'abz019 .,()[]`\'"+-*/%^=<>!andortisnmg_\n\\#é'.split(''), 'and', 'or', 'not', 'in', 'is', 'missing', 'if(', 'log(', ' age ');
		const input = fc.oneof(fc.string({ maxLength: 40 }), fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join('')));
		fc.assert(
			fc.property(input, (source) => {
				try {
					compileExpression(source, schema).evaluate(t);
				} catch (e) {
					if (!isKind(e, 'ExpressionError')) throw e;
				}
			}),
			{ numRuns: 5000 }
		);
	});
});
