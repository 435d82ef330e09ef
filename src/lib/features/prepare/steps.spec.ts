import { describe, expect, it } from 'vitest';
import { applyPipeline, fitPipeline, TABLE_STEP_KINDS, transformTable, validateFeatureStep, validateTableStep, type Pipeline, type TableStep } from '$workers/lib/data/pipeline';
import { allRows, cat, cells, num, table } from '$workers/lib/data/pipeline/test-tables.spec-support';
import { choiceOf, newStep, NUMERIC_ENCODINGS, STEP_LABELS, stepFor, TEXT_ENCODINGS } from './steps';

describe('Prepare menus', () => {
	it('offer every table step the library has, each starting as a step the library accepts once filled', () => {
		expect(Object.keys(STEP_LABELS).sort()).toEqual([...TABLE_STEP_KINDS].sort());
		const columns = [{ name: 'note', kind: 'categorical' as const }, { name: 'x', kind: 'numeric' as const }];
		const mask = newStep('mask-pii', columns);
		expect(validateTableStep(mask, 'step')).toEqual({ kind: 'mask-pii', column: 'note', kinds: ['email', 'phone'] });
	});

	it('turn every encoding choice into a valid feature step that reads back as the same choice', () => {
		for (const [choice] of [...NUMERIC_ENCODINGS, ...TEXT_ENCODINGS]) {
			const step = stepFor('c', choice)!;
			expect(validateFeatureStep(step, 'feature')).toEqual(step);
			expect(choiceOf(step)).toBe(choice);
		}
		expect(stepFor('c', 'none')).toBeNull();
	});

	it('mask e-mails and phone numbers, then TF-IDF the text: words become inputs, rows have unit length', () => {
		const notes = ['refund please mail ann@example.com', 'refund late parcel', 'call +44 20 7946 0958 late parcel', 'great service', 'great parcel service', null];
		const t = table(cat('note', notes), num('y', [1, 1, 0, 0, 0, 1]));
		const pipeline: Pipeline = { format: 'kiln-pipeline', version: 1, steps: [newStep('mask-pii', [{ name: 'note', kind: 'categorical' }]) as TableStep], features: [stepFor('note', 'tfidf')!] };
		const { fitted } = fitPipeline(pipeline, t, allRows(t.rowCount));
		const masked = cells(transformTable(fitted, t).table, 'note');
		expect(masked[0]).toBe('refund please mail [EMAIL]');
		expect(masked[2]).toContain('[PHONE]');
		// minDf 2: only words in two training texts or more are inputs.
		const names = fitted.features.flatMap((f) => f.names);
		expect(names).toEqual(expect.arrayContaining(['note:refund', 'note:late', 'note:parcel', 'note:great', 'note:service']));
		expect(names).not.toContain('note:please');
		const out = applyPipeline(fitted, t);
		for (let r = 0; r < 5; r++) {
			const row = out.x.subarray(r * out.width, (r + 1) * out.width);
			expect(Math.hypot(...row)).toBeCloseTo(1, 5);
		}
		// A missing text has no words: all zeros.
		expect(Array.from(out.x.subarray(5 * out.width))).toEqual(new Array(out.width).fill(0));
	});
});
