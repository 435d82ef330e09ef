import { describe, expect, it } from 'vitest';
import type { Table } from '$workers/protocol';
import { applyPipeline, describeStep, fitPipeline, parsePipeline, serialisePipeline, type Pipeline, type TableStep } from './index';
import { allRows, cat, cells, num, table } from './test-tables.spec-support';

const pipeline = (...steps: TableStep[]): Pipeline => ({ format: 'kiln-pipeline', version: 1, steps, features: [] });

/** Fits on `train` rows, checks the replay equals the fit-time table and the step survives JSON, returns the fit result. */
function run(t: Table, steps: TableStep[], train: Int32Array = allRows(t.rowCount)) {
	const p = pipeline(...steps);
	expect(parsePipeline(serialisePipeline(p))).toEqual(p);
	const fit = fitPipeline(p, t, train);
	const replay = applyPipeline(fit.fitted, t, { mode: 'replay' });
	expect(replay.table).toEqual(fit.table);
	expect(replay.sourceRows).toEqual(fit.sourceRows);
	steps.forEach((s) => expect(describeStep(s).length).toBeGreaterThan(5));
	return fit;
}

const people = () =>
	table(
		num('age', [30, null, 12, 70, 30]),
		cat('city', ['Oslo', 'Rome', null, 'Oslo', 'Oslo']),
		cat('score', ['1.5', 'n/a', '3', 'x', '1.5']),
		num('income', [1000, 2000, null, -5, 1000])
	);

describe('column steps', () => {
	it('drops, renames and refuses names that do not exist with a suggestion', () => {
		const { table: out } = run(people(), [{ kind: 'drop', columns: ['city'] }, { kind: 'rename', from: 'age', to: 'years' }]);
		expect(out.columns.map((c) => c.name)).toEqual(['years', 'score', 'income']);
		expect(() => fitPipeline(pipeline({ kind: 'drop', columns: ['cty'] }), people(), allRows(5))).toThrow(/Step 1 \(Drop "cty"\): there is no column "cty".*Did you mean "city"/);
		expect(() => fitPipeline(pipeline({ kind: 'rename', from: 'age', to: 'city' }), people(), allRows(5))).toThrow(/already a column "city"/);
	});

	it('casts text to numbers and reports the cells that failed', () => {
		const { table: out, warnings } = run(people(), [{ kind: 'cast', column: 'score', to: 'numeric' }]);
		expect(cells(out, 'score')).toEqual([1.5, null, 3, null, 1.5]);
		expect(warnings).toEqual([{ step: 0, count: 2, examples: ['n/a', 'x'], message: expect.stringMatching(/2 cells of "score" are not numbers/) }]);
	});

	it('casts numbers to text in numeric category order, losslessly both ways', () => {
		const t = table(num('n', [10, 2, null, 0.1, 2]));
		const { table: out } = run(t, [{ kind: 'cast', column: 'n', to: 'categorical' }]);
		expect(out.columns[0]).toMatchObject({ kind: 'categorical', categories: ['0.1', '2', '10'] });
		expect(cells(out, 'n')).toEqual(['10', '2', null, '0.1', '2']);
		const back = run(t, [{ kind: 'cast', column: 'n', to: 'categorical' }, { kind: 'cast', column: 'n', to: 'numeric' }]);
		expect(cells(back.table, 'n')).toEqual([10, 2, null, 0.1, 2]);
	});
});

describe('row steps', () => {
	it('filters with an expression (missing counts as false) and renumbers the training rows', () => {
		const fit = run(people(), [{ kind: 'filter', expression: 'age >= 18' }], Int32Array.of(4, 1, 2, 0));
		expect(Array.from(fit.sourceRows)).toEqual([0, 3, 4]);
		expect(Array.from(fit.trainRows)).toEqual([2, 0]);
		expect(fit.warnings[0]).toMatchObject({ count: 2, message: '2 rows removed by the filter.' });
		expect(() => fitPipeline(pipeline({ kind: 'filter', expression: 'age + 1' }), people(), allRows(5))).toThrow(/needs a condition/);
		expect(() => fitPipeline(pipeline({ kind: 'filter', expression: 'age > 100' }), people(), allRows(5))).toThrow(/no training rows are left/);
	});

	it('drops duplicate rows, keeping the first, on all or some columns', () => {
		expect(Array.from(run(people(), [{ kind: 'dedupe', columns: [] }]).sourceRows)).toEqual([0, 1, 2, 3]);
		expect(Array.from(run(people(), [{ kind: 'dedupe', columns: ['city'] }]).sourceRows)).toEqual([0, 1, 2]);
		// Same text under two codes (a dictionary with a repeat) is still the same value.
		const t: Table = { rowCount: 2, columns: [{ name: 'c', kind: 'categorical', categories: ['a', 'a'], codes: Int32Array.of(0, 1) }] };
		expect(Array.from(run(t, [{ kind: 'dedupe', columns: [] }]).sourceRows)).toEqual([0]);
	});
});

describe('impute', () => {
	const t = table(num('x', [1, null, 3, 100, null]), cat('c', ['a', null, 'b', 'b', null]));
	const train = Int32Array.of(0, 1, 2, 4);

	it('fills numbers with the training mean, median, mode or a constant — holdout values never used', () => {
		const fill = (strategy: 'mean' | 'median' | 'mode', rows = train) => cells(run(t, [{ kind: 'impute', columns: ['x'], strategy, value: null, indicator: false }], rows).table, 'x')[1];
		expect(fill('mean')).toBe(2);
		expect(fill('median')).toBe(2);
		expect(fill('mode')).toBe(1);
		expect(fill('mean', allRows(5))).toBeCloseTo(104 / 3, 12);
		expect(cells(run(t, [{ kind: 'impute', columns: ['x'], strategy: 'constant', value: -1, indicator: false }]).table, 'x')).toEqual([1, -1, 3, 100, -1]);
	});

	it('fills text with the mode or a constant and can add a missing-indicator column', () => {
		const { table: out, warnings } = run(t, [{ kind: 'impute', columns: ['c'], strategy: 'mode', value: null, indicator: true }], train);
		expect(out.columns.map((c) => c.name)).toEqual(['x', 'c', 'c_missing']);
		expect(cells(out, 'c')).toEqual(['a', 'a', 'b', 'b', 'a']);
		expect(cells(out, 'c_missing')).toEqual([0, 1, 0, 0, 1]);
		expect(warnings[0].count).toBe(2);
		expect(cells(run(t, [{ kind: 'impute', columns: ['c'], strategy: 'constant', value: 'none', indicator: false }]).table, 'c')).toEqual(['a', 'none', 'b', 'b', 'none']);
		expect(() => fitPipeline(pipeline({ kind: 'impute', columns: ['c'], strategy: 'mean', value: null, indicator: false }), t, train)).toThrow(/has no mean/);
		expect(() => fitPipeline(pipeline({ kind: 'impute', columns: ['x'], strategy: 'constant', value: 'a', indicator: false }), t, train)).toThrow(/must be a number/);
	});

	it('at prediction adds the training mode to a dictionary that lacks it', () => {
		const fit = run(t, [{ kind: 'impute', columns: ['c'], strategy: 'mode', value: null, indicator: false }], train);
		const fresh = table(num('x', [1]), cat('c', [null]));
		expect(cells(applyPipeline(fit.fitted, fresh).table, 'c')).toEqual(['a']);
	});
});

describe('numeric transforms', () => {
	const t = table(num('x', [-3, 0, 1, 2, 3, 4, 5, 6, 7, 100]));

	it('clips to fixed bounds or training percentiles', () => {
		expect(cells(run(t, [{ kind: 'clip', columns: ['x'], bounds: { type: 'fixed', min: 0, max: null } }]).table, 'x')).toEqual([0, 0, 1, 2, 3, 4, 5, 6, 7, 100]);
		const fit = run(t, [{ kind: 'clip', columns: ['x'], bounds: { type: 'quantile', lower: 0.1, upper: 0.9 } }], allRows(9));
		// numpy.quantile([-3, 0, …, 7], [0.1, 0.9]) = [-0.6, 6.2] (printed by numpy 1.24); row 9 (100) is not training.
		expect(fit.fitted.steps[0].params.bounds).toEqual([[-0.5999999999999996, 6.2]]);
		expect(cells(fit.table, 'x')[9]).toBeCloseTo(6.2, 12);
		expect(fit.warnings[0].count).toBe(3);
	});

	it('log-transforms with a guard for negatives', () => {
		const xs = (guard: 'signed' | 'shift' | 'missing', rows?: Int32Array) => cells(run(t, [{ kind: 'log', columns: ['x'], guard }], rows).table, 'x');
		expect(xs('signed')[0]).toBeCloseTo(-Math.log1p(3), 12);
		expect(xs('signed')[9]).toBeCloseTo(Math.log1p(100), 12);
		expect(xs('missing').slice(0, 3)).toEqual([null, 0, Math.log1p(1)]);
		expect(xs('shift')[0]).toBe(0);
		expect(xs('shift')[1]).toBeCloseTo(Math.log1p(3), 12);
		// Shift learnt on rows 1..9 (min 0): the unseen −3 is held at 0 and reported.
		const fit = run(t, [{ kind: 'log', columns: ['x'], guard: 'shift' }], Int32Array.of(1, 2, 3));
		expect(cells(fit.table, 'x')[0]).toBe(0);
		expect(fit.warnings[0]).toMatchObject({ count: 1 });
	});

	it('bins into equal-width or quantile categories, with open-ended end bins', () => {
		const t2 = table(num('x', [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, null, -5, 50]));
		const train = allRows(11);
		const width = run(t2, [{ kind: 'bin', column: 'x', method: 'equal-width', bins: 4, output: null }], train);
		expect(width.table.columns[0]).toMatchObject({ kind: 'categorical', categories: ['< 2.5', '[2.5, 5)', '[5, 7.5)', '≥ 7.5'] });
		expect(cells(width.table, 'x')).toEqual(['< 2.5', '< 2.5', '< 2.5', '[2.5, 5)', '[2.5, 5)', '[5, 7.5)', '[5, 7.5)', '[5, 7.5)', '≥ 7.5', '≥ 7.5', null, '< 2.5', '≥ 7.5']);
		const q = run(t2, [{ kind: 'bin', column: 'x', method: 'quantile', bins: 2, output: 'half' }], train);
		expect(q.table.columns.map((c) => c.name)).toEqual(['x', 'half']);
		expect(cells(q.table, 'half').slice(0, 10)).toEqual(['< 4.5', '< 4.5', '< 4.5', '< 4.5', '< 4.5', '≥ 4.5', '≥ 4.5', '≥ 4.5', '≥ 4.5', '≥ 4.5']);
		const flat = run(table(num('x', [3, 3, 3])), [{ kind: 'bin', column: 'x', method: 'quantile', bins: 5, output: null }]);
		expect(cells(flat.table, 'x')).toEqual(['all values', 'all values', 'all values']);
	});
});

describe('dates, derived columns and anonymisation', () => {
	const ms = [Date.UTC(2024, 1, 29, 23, 59), Date.UTC(1969, 11, 31, 5), null];

	it('splits epoch milliseconds into UTC parts', () => {
		const { table: out } = run(table(num('when', ms), num('y', [1, 2, 3])), [{ kind: 'date-parts', column: 'when', parts: ['year', 'month', 'day', 'weekday', 'hour'], keepSource: false }]);
		expect(out.columns.map((c) => c.name)).toEqual(['when_year', 'when_month', 'when_day', 'when_weekday', 'when_hour', 'y']);
		const dates = ms.map((m) => (m === null ? null : new Date(m)));
		expect(cells(out, 'when_year')).toEqual(dates.map((d) => d?.getUTCFullYear() ?? null));
		expect(cells(out, 'when_day')).toEqual([29, 31, null]);
		// pandas dayofweek: Thursday 29 Feb 2024 = 3, Wednesday 31 Dec 1969 = 2.
		expect(cells(out, 'when_weekday')).toEqual([3, 2, null]);
		expect(cells(out, 'when_hour')).toEqual([23, 5, null]);
	});

	it('derives numbers, text and 0/1 conditions, replacing a column of the same name in place', () => {
		const steps: TableStep[] = [
			{ kind: 'derive', name: 'ratio', expression: 'income / age' },
			{ kind: 'derive', name: 'label', expression: "concat(city, '-', age)" },
			{ kind: 'derive', name: 'adult', expression: 'age >= 18' },
			{ kind: 'derive', name: 'age', expression: 'age * 2' }
		];
		const { table: out } = run(people(), steps);
		expect(out.columns.map((c) => c.name)).toEqual(['age', 'city', 'score', 'income', 'ratio', 'label', 'adult']);
		expect(cells(out, 'ratio')).toEqual([1000 / 30, null, null, -5 / 70, 1000 / 30]);
		expect(cells(out, 'label')).toEqual(['Oslo-30', null, null, 'Oslo-70', 'Oslo-30']);
		expect(cells(out, 'adult')).toEqual([1, null, 0, 1, 1]);
		expect(cells(out, 'age')).toEqual([60, null, 24, 140, 60]);
		expect(() => fitPipeline(pipeline({ kind: 'derive', name: 'z', expression: 'agee * 2' }), people(), allRows(5))).toThrow(/Step 1 .*no column "agee".*Did you mean "age"/);
	});

	it('anonymises: keyed pseudonyms, masks, ranges, months, drop', () => {
		const secret = 'a project secret of 32 chars....';
		const t = table(cat('email', ['ann@x.org', 'bob@y.com', 'ann@x.org', null]), num('age', [37, 40, 9.5, null]), num('when', [Date.UTC(2023, 3, 9), Date.UTC(1999, 11, 31), null, 0]));
		const hashed = cells(run(t, [{ kind: 'anonymise', column: 'email', method: { type: 'hash', secret } }]).table, 'email');
		expect(hashed[0]).toMatch(/^[0-9a-f]{16}$/);
		expect(hashed[0]).toBe(hashed[2]);
		expect(hashed[0]).not.toBe(hashed[1]);
		expect(hashed[3]).toBeNull();
		const other = cells(run(t, [{ kind: 'anonymise', column: 'email', method: { type: 'hash', secret: secret.replace('a', 'b') } }]).table, 'email');
		expect(other[0]).not.toBe(hashed[0]);
		expect(cells(run(t, [{ kind: 'anonymise', column: 'email', method: { type: 'mask', keepStart: 1, keepEnd: 4 } }]).table, 'email')).toEqual(['a****.org', 'b****.com', 'a****.org', null]);
		expect(cells(run(t, [{ kind: 'anonymise', column: 'age', method: { type: 'range', width: 10 } }]).table, 'age')).toEqual(['[30, 40)', '[40, 50)', '[0, 10)', null]);
		expect(cells(run(t, [{ kind: 'anonymise', column: 'when', method: { type: 'month' } }]).table, 'when')).toEqual(['2023-04', '1999-12', null, '1970-01']);
		expect(run(t, [{ kind: 'anonymise', column: 'email', method: { type: 'drop' } }]).table.columns.map((c) => c.name)).toEqual(['age', 'when']);
		expect(() => parsePipeline({ ...pipeline(), steps: [{ kind: 'anonymise', column: 'email', method: { type: 'hash', secret: 'short' } }] })).toThrow(/at least 16 characters/);
	});
});
