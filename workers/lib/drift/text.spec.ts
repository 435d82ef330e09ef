import { describe, expect, it } from 'vitest';
import type { CategoricalColumn } from '../../protocol';
import { loadDataset } from '../../../tests/unit-support';
import { createRng, shuffleInPlace } from '../random';
import { textDriftReport, words } from './text';

const table = loadDataset('sentiment.csv');
const column = (name: string) => table.columns.find((c) => c.name === name) as CategoricalColumn;
const at = (name: string, rows: number[]) => rows.map((r) => (column(name).codes[r] < 0 ? null : column(name).categories[column(name).codes[r]]));
const rowsFrom = (source: string) => Array.from({ length: table.rowCount }, (_, r) => r).filter((r) => at('source', [r])[0] === source);

describe('text drift', () => {
	it('counts words as a reader does', () => {
		expect(words("Don't   PANIC: 42 towels, naïve guests’ café!")).toEqual(["don't", 'panic', '42', 'towels', 'naïve', 'guests', 'café']);
		expect(words('—')).toEqual([]);
	});

	it('sees IMDb reviews as shifted from a model trained on Yelp (real data)', () => {
		const yelp = shuffleInPlace(rowsFrom('yelp'), createRng(3));
		const train = yelp.slice(0, 700);
		const holdout = yelp.slice(700);
		const imdb = rowsFrom('imdb');
		const report = textDriftReport({ column: 'text', target: 'sentiment', trainTexts: at('text', train), trainLabels: at('sentiment', train) as string[], holdoutTexts: at('text', holdout), currentTexts: at('text', imdb), predictions: at('sentiment', imdb) as string[] });
		const unseen = report.columns.find((c) => c.name === 'text: share of words not in the training texts')!;
		expect(unseen.level).toBe('major');
		expect(report.predictions!.level).toBe('stable');
		expect(report.referenceRows).toBe(700);
		expect(report.notes[0]).toContain(`${holdout.length} holdout texts`);
	});

	it('sees nothing between two random halves of the same reviews (seeded)', () => {
		const rows = shuffleInPlace(Array.from({ length: table.rowCount }, (_, r) => r), createRng(5));
		const [train, holdout, current] = [rows.slice(0, 1400), rows.slice(1400, 2000), rows.slice(2000)];
		const report = textDriftReport({ column: 'text', target: 'sentiment', trainTexts: at('text', train), trainLabels: at('sentiment', train) as string[], holdoutTexts: at('text', holdout), currentTexts: at('text', current), predictions: at('sentiment', current) as string[] });
		expect(report.columns.map((c) => c.level)).toEqual(['stable', 'stable']);
		expect(report.predictions!.level).toBe('stable');
	});
});
