import { describe, expect, it } from 'vitest';
import type { InputColumn, Preprocessing, Table } from '$workers/protocol';
import { cellText } from '$shared/table';
import { importDataset } from '../../../tests/unit-support';
import { readFormRows } from '../predict-input';
import { fitPreprocessing, encodeFeatures } from '../preprocess';
import { FormRowReader } from './form-row';

const one = Int32Array.of(0);

/** Each row of a shipped set as a person would type it, read both ways and encoded. */
async function bothWays(file: string, target: string, edits: Record<string, string>[] = []) {
	const table = await importDataset(file);
	const features = table.columns.map((c) => c.name).filter((n) => n !== target);
	const prep: Preprocessing = fitPreprocessing(table, features, target, 'classification', Int32Array.from({ length: table.rowCount }, (_, i) => i));
	const inputs: InputColumn[] = features.map((name) => ({ name, kind: table.columns.find((c) => c.name === name)!.kind }));
	const reader = new FormRowReader(inputs);
	const typed = Array.from({ length: table.rowCount }, (_, r) => Object.fromEntries(features.map((name) => [name, cellText(table.columns.find((c) => c.name === name)!, r)])));
	let direct = 0;
	for (const row of [...typed, ...edits.map((e) => ({ ...typed[0], ...e }))]) {
		const slow = await readFormRows(inputs, [row]).catch((e: Error) => e);
		const fast = reader.read(row);
		if (fast === null) continue;
		direct++;
		expect(slow).not.toBeInstanceOf(Error);
		const a = encodeFeatures(slow as Table, prep, one);
		const b = encodeFeatures(fast, prep, one);
		expect(Array.from(b.x)).toEqual(Array.from(a.x));
		expect(b.unknownCategories).toBe(a.unknownCategories);
	}
	return { direct, rows: typed.length + edits.length };
}

describe('reading one form row directly', () => {
	it('encodes every penguins row exactly as the importer path does (categories, missing cells)', async () => {
		const { direct, rows } = await bothWays('penguins.csv', 'species', [
			{ island: 'Atlantis' },
			{ bill_length_mm: ' 4.2e1 ' },
			{ bill_length_mm: 'NA', sex: 'NA' },
			{ bill_length_mm: '-', sex: '?' },
			{ flipper_length_mm: '+181.' }
		]);
		// Rows holding an empty cell (penguins writes missing as NA; cellText gives '') go the importer's way.
		expect(direct).toBeGreaterThan(330);
		expect(rows).toBe(349);
	});

	it('encodes every iris row exactly as the importer path does', async () => {
		const { direct, rows } = await bothWays('iris.csv', 'species');
		expect(direct).toBe(rows);
	});

	it('leaves to the importer what it alone words or reads: bad numbers, empty rows, dates', () => {
		const reader = new FormRowReader([{ name: 'x', kind: 'numeric' }, { name: 'c', kind: 'categorical' }]);
		expect(reader.read({ x: '0x1A', c: 'a' })).toBeNull();
		expect(reader.read({ x: '1,5', c: 'a' })).toBeNull();
		expect(reader.read({ x: '', c: '' })).toBeNull();
		expect(reader.read({ x: 'NA', c: 'NA' })).toBeNull();
		expect(reader.read({ x: '2', c: ' a ' })).toEqual({ rowCount: 1, columns: [{ name: 'x', kind: 'numeric', values: Float64Array.of(2) }, { name: 'c', kind: 'categorical', categories: ['a'], codes: Int32Array.of(0) }] });
		const dated = new FormRowReader([{ name: 'd', kind: 'numeric', semantic: 'datetime' }]);
		expect(dated.usable).toBe(false);
		expect(dated.read({ d: '2024-01-01' })).toBeNull();
		// The dataset's own missing words replace the defaults.
		const custom = new FormRowReader([{ name: 'x', kind: 'numeric' }, { name: 'c', kind: 'categorical' }], ['-999']);
		expect(custom.read({ x: 'NA', c: 'a' })).toBeNull();
		const read = custom.read({ x: '-999', c: 'a' });
		expect(read?.columns[0].kind === 'numeric' && Number.isNaN(read.columns[0].values[0])).toBe(true);
	});
});
