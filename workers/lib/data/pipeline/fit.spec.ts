import { describe, expect, it } from 'vitest';
import { isKind } from '$shared/errors';
import { applyPipeline, encodeRows, fitPipeline, previewPipeline, type Pipeline } from './index';
import { allRows, cat, cells, num, table } from './test-tables.spec-support';

const data = () =>
	table(
		num('age', [30, null, 12, 70, 30, 45]),
		cat('city', ['Oslo', 'Rome', null, 'Oslo', 'Oslo', 'Rome']),
		num('income', [1000, 2000, null, 50, 1000, 3000]),
		cat('y', ['yes', 'no', 'no', 'yes', 'yes', null])
	);

const cleaning: Pipeline = {
	format: 'kiln-pipeline',
	version: 1,
	steps: [
		{ kind: 'filter', expression: 'y is not missing' },
		{ kind: 'dedupe', columns: [] },
		{ kind: 'impute', columns: ['age', 'income'], strategy: 'median', value: null, indicator: true },
		{ kind: 'rename', from: 'y', to: 'label' },
		{ kind: 'derive', name: 'per_year', expression: 'income / age' },
		{ kind: 'cast', column: 'label', to: 'categorical' }
	],
	features: [
		{ kind: 'scale', column: 'age', method: 'standard' },
		{ kind: 'scale', column: 'per_year', method: 'robust' },
		{ kind: 'one-hot', column: 'city', maxCategories: 8, other: true, missing: 'zeros' },
		{ kind: 'scale', column: 'income_missing', method: 'none' }
	]
};

describe('fitting and replaying a whole pipeline', () => {
	it('fits on training rows, follows the target through a rename and lists what a prediction file needs', () => {
		const fit = fitPipeline(cleaning, data(), Int32Array.of(0, 1, 2, 3, 4, 5), { target: { name: 'y', task: 'classification' } });
		expect(Array.from(fit.sourceRows)).toEqual([0, 1, 2, 3]);
		expect(fit.fitted.target).toEqual({ name: 'label', task: 'classification', classes: ['yes', 'no'] });
		expect(fit.fitted.steps.map((s) => s.trainingOnly)).toEqual([true, true, false, true, false, true]);
		expect(fit.fitted.inputs).toEqual([
			{ name: 'age', kind: 'numeric' },
			{ name: 'income', kind: 'numeric' },
			{ name: 'city', kind: 'categorical' }
		]);
		expect(fit.fitted.features.flatMap((f) => f.names)).toEqual(['age', 'per_year', 'city=Oslo', 'city=Rome', 'city=(other)', 'income_missing']);
		expect(fit.warnings.map((w) => w.step)).toEqual([0, 1, 2, 2]);
	});

	it('replays exactly what fitting produced, and predicts on a file with columns in any order, extras ignored', () => {
		const fit = fitPipeline(cleaning, data(), allRows(6), { target: { name: 'y', task: 'classification' } });
		const atFit = encodeRows(fit.fitted, fit.table, allRows(fit.table.rowCount));
		const replay = applyPipeline(fit.fitted, data(), { mode: 'replay' });
		expect(replay.x).toEqual(atFit.x);
		// The same rows as a prediction file: reordered columns, an extra one, no target.
		const fresh = table(cat('note', ['x', 'y', 'z', 'w']), num('income', [1000, 2000, null, 50]), cat('city', ['Oslo', 'Rome', null, 'Oslo']), num('age', [30, null, 12, 70]));
		const predicted = applyPipeline(fit.fitted, fresh);
		expect(predicted.x).toEqual(atFit.x);
		expect(Array.from(predicted.sourceRows)).toEqual([0, 1, 2, 3]);
	});

	it('answers every row at prediction: filters and de-duplication do not run there', () => {
		const fit = fitPipeline(cleaning, data(), allRows(6), { target: { name: 'y', task: 'classification' } });
		const fresh = table(num('age', [30, 30, 30]), cat('city', ['Oslo', 'Oslo', 'Paris']), num('income', [1000, 1000, 1000]));
		const out = applyPipeline(fit.fitted, fresh);
		expect(out.x.length).toBe(3 * fit.fitted.inputSize);
		expect(out.unknownCategories).toBe(1);
		// A filter on features is still evaluated, to warn about rows unlike the training data.
		const adults: Pipeline = { ...cleaning, steps: [{ kind: 'filter', expression: 'age >= 18 or age is missing' }, ...cleaning.steps] };
		const warned = applyPipeline(fitPipeline(adults, data(), allRows(6), { target: { name: 'y', task: 'classification' } }).fitted, table(num('age', [30, 12, null]), cat('city', ['Oslo', 'Oslo', 'Rome']), num('income', [1, 2, 3])));
		expect(warned.x.length).toBe(3 * fit.fitted.inputSize);
		expect(warned.warnings[0]).toMatchObject({ step: 0, count: 1, message: expect.stringMatching(/^1 row would have been left out of training by "age >= 18 or age is missing"/) });
	});

	it('names every missing column of a prediction file, with suggestions, as a SchemaMismatchError', () => {
		const fit = fitPipeline(cleaning, data(), allRows(6), { target: { name: 'y', task: 'classification' } });
		const fresh = table(num('Age', [1]), cat('city', ['Oslo']));
		let error: unknown;
		try {
			applyPipeline(fit.fitted, fresh);
		} catch (e) {
			error = e;
		}
		expect(isKind(error, 'SchemaMismatchError')).toBe(true);
		expect((error as Error).message).toMatch(/no column "age", "income", which the model needs\. Did you mean "Age"\?/);
		expect(() => applyPipeline(fit.fitted, table(cat('age', ['1']), cat('city', ['Oslo']), num('income', [1])))).toThrow(/Column "age" holds text in this file, but the model was trained on numbers/);
	});

	it('refuses a feature computed from the target, and a step that mixes target and features', () => {
		const leak: Pipeline = { ...cleaning, steps: [{ kind: 'derive', name: 'hint', expression: "if(y = 'yes', 1, 0)" }], features: [{ kind: 'scale', column: 'hint', method: 'none' }] };
		expect(() => fitPipeline(leak, data(), allRows(6), { target: { name: 'y', task: 'classification' } })).toThrow(/"hint" is computed from the target "y"; as a model input it would leak/);
		const mixed: Pipeline = { ...cleaning, steps: [{ kind: 'impute', columns: ['city', 'y'], strategy: 'mode', value: null, indicator: false }], features: [] };
		expect(() => fitPipeline(mixed, data(), allRows(6), { target: { name: 'y', task: 'classification' } })).toThrow(/Step 1 .*changes the target "y".*together with other columns/);
		const dropTarget: Pipeline = { ...cleaning, steps: [{ kind: 'drop', columns: ['y'] }], features: [] };
		expect(() => fitPipeline(dropTarget, data(), allRows(6), { target: { name: 'y', task: 'classification' } })).toThrow(/removes the target "y"/);
		const targetAsInput: Pipeline = { ...cleaning, steps: [], features: [{ kind: 'one-hot', column: 'y', maxCategories: 4, other: false, missing: 'mode' }] };
		expect(() => fitPipeline(targetAsInput, data(), allRows(6), { target: { name: 'y', task: 'classification' } })).toThrow(/"y" is the target/);
	});

	it('fits the scaling on training rows only: holdout values do not move it', () => {
		const t = table(num('x', [1, 2, 3, 1000]), cat('y', ['a', 'b', 'a', 'b']));
		const p: Pipeline = { format: 'kiln-pipeline', version: 1, steps: [{ kind: 'impute', columns: ['x'], strategy: 'mean', value: null, indicator: false }], features: [{ kind: 'scale', column: 'x', method: 'standard' }] };
		const fit = fitPipeline(p, t, Int32Array.of(0, 1, 2));
		expect(fit.fitted.features[0].params).toMatchObject({ center: 2 });
	});
});

describe('preview', () => {
	it('reports per-step rows, columns and errors without stopping at the first bad step', () => {
		const p = {
			format: 'kiln-pipeline',
			version: 1,
			steps: [
				{ kind: 'filter', expression: 'age > 18' },
				{ kind: 'derive', name: 'z', expression: 'agee * 2' },
				{ kind: 'bin', column: 'age', method: 'quantile', bins: 1, output: null },
				{ kind: 'drop', columns: ['income'] }
			],
			features: [
				{ kind: 'scale', column: 'age', method: 'min-max' },
				{ kind: 'scale', column: 'city', method: 'standard' },
				{ kind: 'one-hot', column: 'city', maxCategories: 2, other: false, missing: 'mode' }
			]
		} as unknown as Pipeline;
		const preview = previewPipeline(p, data(), Int32Array.of(0, 1, 2, 3, 5));
		expect(preview.stages.map((s) => [s.status, s.rows, s.columns])).toEqual([
			['ok', 3, 4],
			['error', 3, 4],
			['error', 3, 4],
			['ok', 3, 3]
		]);
		expect(preview.stages[1].error).toEqual({ kind: 'ExpressionError', message: expect.stringMatching(/Did you mean "age"/) });
		expect(preview.stages[2].error?.message).toMatch(/steps\[2\]\.bins: must be at least 2/);
		expect(Array.from(preview.sourceRows)).toEqual([0, 3, 5]);
		expect(preview.features.map((f) => f.status)).toEqual(['ok', 'error', 'ok']);
		expect(preview.matrix.names).toEqual(['age', 'city=Oslo', 'city=Rome']);
		expect(Array.from(preview.matrix.x)).toEqual([0, 1, 0, 1, 1, 0, 15 / 40, 0, 1].map(Math.fround));
		expect(cells(preview.table, 'age')).toEqual([30, 70, 45]);
	});
});
