import { describe, expect, it } from 'vitest';
import { applyPipeline, describeStep, fitPipeline, parsePipeline, serialisePipeline, type Pipeline } from '../index';
import { cat, cells, num, table } from '../test-tables.spec-support';

const pipeline: Pipeline = {
	format: 'kiln-pipeline',
	version: 1,
	steps: [{ kind: 'mask-pii', column: 'note', kinds: ['email', 'phone'] }],
	features: [{ kind: 'tfidf', column: 'note', maxFeatures: 20, minDf: 1, ngrams: 1, sublinear: false, lowercase: true, punctuation: 'drop', numbers: 'keep' }]
};

describe('mask-pii table step', () => {
	const t = table(cat('note', ['write to ann@example.org', 'call 555-123-4567 now', 'nothing here', null, 'write to ann@example.org']), num('y', [1, 0, 1, 0, 1]));

	it('masks e-mails and phones before the text is encoded, at fit and at prediction, and reports the rows', () => {
		expect(parsePipeline(serialisePipeline(pipeline))).toEqual(pipeline);
		expect(describeStep(pipeline.steps[0])).toBe('Mask e-mail addresses and phone numbers in "note"');
		const fit = fitPipeline(pipeline, t, Int32Array.from([0, 1, 2, 3]));
		expect(cells(fit.table, 'note')).toEqual(['write to [EMAIL]', 'call [PHONE] now', 'nothing here', null, 'write to [EMAIL]']);
		expect(fit.warnings).toEqual([expect.objectContaining({ step: 0, count: 3 })]);
		expect(fit.fitted.features[0].names).toContain('note:email');
		expect(fit.fitted.features[0].names.some((n) => n.includes('example'))).toBe(false);
		const out = applyPipeline(fit.fitted, table(cat('note', ['mail bob@test.com or +1 212 555 0199'])));
		expect(out.warnings[0].message).toMatch(/Masked e-mail addresses or phone numbers in 1 row of "note"/);
	});

	it('refuses a numeric column and unknown kinds', () => {
		expect(() => fitPipeline({ ...pipeline, steps: [{ kind: 'mask-pii', column: 'y', kinds: ['email'] }], features: [] }, t, Int32Array.from([0, 1]))).toThrow(/holds numbers/);
		expect(() => parsePipeline({ ...pipeline, steps: [{ kind: 'mask-pii', column: 'note', kinds: ['names'] }] })).toThrow(/steps\[0\]\.kinds: expected a non-empty list/);
	});
});
