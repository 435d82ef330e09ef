import { describe, expect, it } from 'vitest';
import type { Table } from '$workers/protocol';
import { fileTexts, textPredictionTable } from './text-file';

const table: Table = {
	rowCount: 3,
	columns: [
		{ name: 'id', kind: 'numeric', values: Float64Array.from([1, 2, NaN]) },
		{ name: 'review', kind: 'categorical', categories: ['great', 'awful'], codes: Int32Array.from([0, 1, -1]) },
		{ name: 'predicted', kind: 'categorical', categories: ['x'], codes: Int32Array.from([0, 0, 0]) }
	]
};

describe('text file prediction', () => {
	it('reads the model’s text column, missing cells as null, and names the file when it is absent', () => {
		expect(fileTexts(table, 'review', 'new.csv')).toEqual(['great', 'awful', null]);
		expect(() => fileTexts(table, 'text', 'new.csv')).toThrow(/new\.csv has no column “text”.*“id”, “review”, “predicted”/);
	});

	it('keeps the file’s columns and adds the prediction and each class probability without clobbering a column', () => {
		const out = textPredictionTable(table, Float32Array.from([0.1, 0.9, 0.8, 0.2, 0.5, 0.5]), ['neg', 'pos']);
		expect(out.header).toEqual(['id', 'review', 'predicted', 'predicted_', 'p(neg)', 'p(pos)']);
		expect(out.rows[0]).toEqual(['1', 'great', 'x', 'pos', '0.1000', '0.9000']);
		expect(out.rows[1].slice(3)).toEqual(['neg', '0.8000', '0.2000']);
		expect(out.rows[2].slice(0, 2)).toEqual(['', '']);
		// A tie goes to the first class, as in the table.
		expect(out.predicted).toEqual(['pos', 'neg', 'neg']);
		expect(() => textPredictionTable(table, new Float32Array(2), ['neg', 'pos'])).toThrow(/3 rows × 2/);
	});
});
