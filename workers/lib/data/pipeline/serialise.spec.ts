import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isKind } from '$shared/errors';
import { migratePipeline, parsePipeline, serialisePipeline, validatePipeline, type FeatureStep, type Pipeline, type TableStep } from './index';
import { DATE_PARTS } from './steps/dates';

const name = fc.string({ minLength: 1, maxLength: 12 });
const names = (min: number) => fc.uniqueArray(name, { minLength: min, maxLength: 4 });
const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).map((v) => (Object.is(v, -0) ? 0 : v));
const expression = fc.constantFrom('age > 3', "lower([home town]) = 'oslo'", 'coalesce(a, 0) * 2', 'x is missing or y in (1, 2)');

const tableStep: fc.Arbitrary<TableStep> = fc.oneof(
	names(1).map((columns) => ({ kind: 'drop' as const, columns })),
	fc.record({ kind: fc.constant('rename' as const), from: name, to: name }),
	fc.record({ kind: fc.constant('cast' as const), column: name, to: fc.constantFrom('numeric' as const, 'categorical' as const) }),
	fc.record({ kind: fc.constant('filter' as const), expression }),
	names(0).map((columns) => ({ kind: 'dedupe' as const, columns })),
	fc.oneof(
		fc.record({ kind: fc.constant('impute' as const), columns: names(1), strategy: fc.constantFrom('mean' as const, 'median' as const, 'mode' as const), value: fc.constant(null), indicator: fc.boolean() }),
		fc.record({ kind: fc.constant('impute' as const), columns: names(1), strategy: fc.constant('constant' as const), value: fc.oneof(finite, fc.string()), indicator: fc.boolean() })
	),
	fc.record({
		kind: fc.constant('clip' as const),
		columns: names(1),
		bounds: fc.oneof(
			fc.tuple(finite, finite, fc.constantFrom('both', 'min', 'max')).map(([a, b, which]) => ({ type: 'fixed' as const, min: which === 'max' ? null : Math.min(a, b), max: which === 'min' ? null : Math.max(a, b) })),
			fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })).filter(([a, b]) => a !== b).map(([a, b]) => ({ type: 'quantile' as const, lower: Math.min(a, b) + 0, upper: Math.max(a, b) }))
		)
	}),
	fc.record({ kind: fc.constant('log' as const), columns: names(1), guard: fc.constantFrom('signed' as const, 'shift' as const, 'missing' as const) }),
	fc.record({ kind: fc.constant('bin' as const), column: name, method: fc.constantFrom('equal-width' as const, 'quantile' as const), bins: fc.integer({ min: 2, max: 1000 }), output: fc.option(name, { nil: null }) }),
	fc.record({ kind: fc.constant('date-parts' as const), column: name, parts: fc.shuffledSubarray([...DATE_PARTS], { minLength: 1 }), keepSource: fc.boolean() }),
	fc.record({ kind: fc.constant('derive' as const), name, expression }),
	fc.record({
		kind: fc.constant('anonymise' as const),
		column: name,
		method: fc.oneof(
			fc.constant({ type: 'drop' as const }),
			fc.constant({ type: 'month' as const }),
			fc.string({ minLength: 16, maxLength: 40 }).map((secret) => ({ type: 'hash' as const, secret })),
			fc.double({ min: 1e-6, max: 1e9, noNaN: true }).map((width) => ({ type: 'range' as const, width })),
			fc.record({ type: fc.constant('mask' as const), keepStart: fc.integer({ min: 0, max: 100 }), keepEnd: fc.integer({ min: 0, max: 100 }) })
		)
	})
);

const featureStep = (column: string): fc.Arbitrary<FeatureStep> =>
	fc.oneof(
		fc.record({ kind: fc.constant('scale' as const), column: fc.constant(column), method: fc.constantFrom('standard' as const, 'min-max' as const, 'robust' as const, 'none' as const) }),
		fc.record({ kind: fc.constant('one-hot' as const), column: fc.constant(column), maxCategories: fc.integer({ min: 1, max: 10_000 }), other: fc.boolean(), missing: fc.constantFrom('mode' as const, 'zeros' as const) }),
		fc.record({ kind: fc.constant('ordinal' as const), column: fc.constant(column), order: fc.option(fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 5 }), { nil: null }) }),
		fc.record({ kind: fc.constant('hashing' as const), column: fc.constant(column), buckets: fc.integer({ min: 1, max: 4096 }) })
	);

const pipelineArbitrary: fc.Arbitrary<Pipeline> = fc.record({
	format: fc.constant('kiln-pipeline' as const),
	version: fc.constant(1 as const),
	steps: fc.array(tableStep, { maxLength: 8 }),
	features: fc.uniqueArray(name, { maxLength: 6 }).chain((columns) => (columns.length === 0 ? fc.constant([]) : fc.tuple(...columns.map(featureStep))))
});

describe('pipeline serialisation', () => {
	it('serialise → parse is the identity for random valid pipelines', () => {
		fc.assert(
			fc.property(pipelineArbitrary, (pipeline) => {
				const text = serialisePipeline(pipeline);
				expect(parsePipeline(text)).toEqual(pipeline);
				expect(serialisePipeline(parsePipeline(text))).toBe(text);
			}),
			{ numRuns: 500 }
		);
	});

	it('refuses damaged or hand-edited pipelines with the path of the problem', () => {
		const base = { format: 'kiln-pipeline', version: 1, steps: [], features: [] };
		const refused = (value: unknown) => {
			try {
				parsePipeline(value);
			} catch (e) {
				expect(isKind(e, 'PipelineError')).toBe(true);
				return (e as Error).message;
			}
			throw new Error('accepted');
		};
		expect(refused('{"format": "kiln-pipeline", ')).toMatch(/not valid JSON/);
		expect(refused({ ...base, format: 'other' })).toMatch(/not a Kiln pipeline/);
		expect(refused({ ...base, steps: [{ kind: 'explode' }] })).toMatch(/steps\[0\]\.kind: expected one of "drop"/);
		expect(refused({ ...base, steps: [{ kind: 'drop', colums: ['a'] }] })).toMatch(/steps\[0\]: unknown field "colums"/);
		expect(refused({ ...base, steps: [{ kind: 'clip', columns: ['a'], bounds: { type: 'fixed', min: 3, max: 1 } }] })).toMatch(/steps\[0\]\.bounds: the lower bound 3 is above/);
		expect(refused({ ...base, steps: [{ kind: 'impute', columns: ['a'], strategy: 'mean', value: 3, indicator: false }] })).toMatch(/value: must be null unless/);
		expect(refused({ ...base, features: [{ kind: 'scale', column: 'a', method: 'standard' }, { kind: 'ordinal', column: 'a', order: null }] })).toMatch(/encoded twice/);
		expect(refused({ ...base, version: 2 })).toMatch(/newer Kiln \(format version 2\)/);
		expect(refused({ ...base, version: 0 })).toMatch(/version: must be at least 1/);
		expect(refused(null)).toMatch(/expected an object/);
	});

	it('upgrades older formats one version at a time through the migration table', () => {
		// A made-up version 1 → 2 upgrade (rename `features` from `encodings`), to prove the chain runs.
		const v1 = { format: 'kiln-pipeline', version: 1, steps: [{ kind: 'drop', columns: ['id'] }], encodings: [] };
		const migrated = migratePipeline(v1, { 1: ({ encodings, ...rest }) => ({ ...rest, features: encodings }) }, 2);
		expect(migrated).toEqual({ format: 'kiln-pipeline', version: 2, steps: [{ kind: 'drop', columns: ['id'] }], features: [] });
		expect(() => migratePipeline({ ...v1, version: 1 }, {}, 3)).toThrow(/no upgrade from pipeline format version 1/);
		// Today's format passes through untouched.
		const current = { format: 'kiln-pipeline', version: 1, steps: [], features: [] };
		expect(validatePipeline(migratePipeline(current))).toEqual(current);
	});
});
