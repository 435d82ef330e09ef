import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../tests/unit-support';
import { isTextColumn, textColumns } from './column';

const stored = (file: string) => {
	const t = loadDataset(file);
	return { rowCount: t.rowCount, columns: t.columns.map((c) => ({ name: c.name, kind: c.kind, categories: c.kind === 'categorical' ? c.categories : undefined })) };
};

describe('text columns', () => {
	it('finds the text column of the shipped sentiment and spam sets, not their labels or sources', () => {
		const sentiment = stored('sentiment.csv');
		expect(textColumns(sentiment.columns, sentiment.rowCount)).toEqual(['text']);
		const spam = stored('spam.csv');
		expect(textColumns(spam.columns, spam.rowCount, 'label')).toEqual(['text']);
	});

	it('leaves categories, names and numbers alone', () => {
		for (const file of ['titanic.csv', 'penguins.csv', 'iris.csv', 'cps-wages-1985.csv']) {
			const t = stored(file);
			expect(textColumns(t.columns, t.rowCount), file).toEqual([]);
		}
		const many = Array.from({ length: 200 }, (_, i) => `city ${i}`);
		expect(isTextColumn({ name: 'c', kind: 'categorical', categories: many }, 200)).toBe(false);
		expect(isTextColumn({ name: 'c', kind: 'categorical', categories: many.map((m) => `${m} is a lovely place`) }, 200)).toBe(true);
		expect(isTextColumn({ name: 'n', kind: 'numeric' }, 200)).toBe(false);
	});

	it('takes a column imported as text (a folder of .txt files) as text, however few or short its values', () => {
		expect(isTextColumn({ name: 'text', kind: 'categorical', categories: ['Great', 'Awful'], text: true }, 2)).toBe(true);
		expect(isTextColumn({ name: 'text', kind: 'categorical', categories: ['Great', 'Awful'] }, 2)).toBe(false);
		expect(isTextColumn({ name: 'n', kind: 'numeric', text: true }, 2)).toBe(false);
	});
});
