import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { InputColumn } from '../protocol';
import { fromBytes } from './data/import';
import { fromLegacyPreprocessing } from './data/pipeline';
import { modelEncoding, modelInputColumns, readFormRows, readPredictionFile } from './predict-input';
import { booleanTargetAsClasses, inputColumns } from './train-table';

const inputs: InputColumn[] = [
	{ name: 'x', kind: 'numeric', semantic: 'numeric' },
	{ name: 'zip', kind: 'categorical', semantic: 'text' },
	{ name: 'when', kind: 'numeric', semantic: 'datetime', dateOrder: 'dmy' },
	{ name: 'member', kind: 'numeric', semantic: 'boolean' }
];
const legacy = { features: [{ name: 'x', kind: 'numeric' as const, mean: 0, std: 1 }], target: { name: 'y', task: 'classification' as const, classes: ['a', 'b'] }, inputSize: 1 };

describe('reading rows to predict', () => {
	it('reads the file formats the Data page reads: JSON Lines, and a gzipped CSV', async () => {
		const numbers: InputColumn[] = [{ name: 'x', kind: 'numeric' }];
		const jsonl = await readPredictionFile(fromBytes(new TextEncoder().encode('{"id":"a","x":1.5}\n{"id":"b","x":-2}\n'), 'rows.jsonl'), numbers);
		const gz = await readPredictionFile(fromBytes(gzipSync(new TextEncoder().encode('id,x\na,1.5\nb,-2\n')), 'rows.csv.gz'), numbers);
		for (const { table } of [jsonl, gz]) {
			const x = table.columns.find((c) => c.name === 'x')!;
			expect(x.kind === 'numeric' && Array.from(x.values)).toEqual([1.5, -2]);
		}
	});

	it('reads a file as training read the columns: leading zeros stay text, dates and yes/no as typed, any order, Latin-1', async () => {
		const text = new Uint8Array([...new TextEncoder().encode('id;member;zip;when;x;city\nA;yes;08123;05/03/2024;2.5;Z'), 0xfc, ...new TextEncoder().encode('rich\nB;no;00042;;abc;Bern\n')]);
		const { table, warnings } = await readPredictionFile(fromBytes(text, 'new.csv'), inputs);
		const column = (name: string) => table.columns.find((c) => c.name === name)!;
		expect(column('zip')).toMatchObject({ kind: 'categorical', categories: ['08123', '00042'] });
		const when = column('when');
		expect(when.kind === 'numeric' && when.values[0]).toBe(Date.UTC(2024, 2, 5));
		const member = column('member');
		expect(member.kind === 'numeric' && Array.from(member.values)).toEqual([1, 0]);
		expect(column('city')).toMatchObject({ categories: ['Zürich', 'Bern'] });
		const x = column('x');
		expect(x.kind === 'numeric' && Array.from(x.values)).toEqual([2.5, NaN]);
		expect(warnings.join(' ')).toMatch(/"x".*abc/);
	});

	it('names every column the file lacks', async () => {
		await expect(readPredictionFile(fromBytes(new TextEncoder().encode('x,other\n1,2\n'), 'short.csv'), inputs)).rejects.toMatchObject({
			name: 'SchemaMismatchError',
			message: expect.stringContaining('short.csv: there is no column "zip", "when", "member", which the model was trained on. Columns found: x, other.')
		});
	});

	it('reads form fields with the same rules, and refuses a value that does not fit its field', async () => {
		const table = await readFormRows(inputs, [{ x: ' 1e3 ', zip: '08123', when: '', member: 'no' }]);
		expect(table.rowCount).toBe(1);
		expect(table.columns.find((c) => c.name === 'zip')).toMatchObject({ categories: ['08123'] });
		await expect(readFormRows(inputs, [{ x: '0x1A', zip: '1', when: '', member: '' }])).rejects.toThrow(/“x” must be a number such as 3.5 or -2e3 \(or empty if unknown\), not “0x1A”/);
		await expect(readFormRows(inputs, [{ x: '1', zip: '1', when: 'soon', member: '' }])).rejects.toThrow(/“when” must be a date/);
		// NA means unknown, as in files.
		const na = await readFormRows(inputs, [{ x: 'NA', zip: '', when: '', member: '' }]);
		const x = na.columns.find((c) => c.name === 'x')!;
		expect(x.kind === 'numeric' && Number.isNaN(x.values[0])).toBe(true);
	});

	it('older models predict through their stored preprocessing; newer ones through their pipeline', () => {
		expect(modelEncoding({ preprocessing: legacy })).toBe(legacy);
		const fitted = { ...fromLegacyPreprocessing(legacy), steps: [{ step: { kind: 'drop' as const, columns: ['z'] }, params: {}, trainingOnly: false }] };
		expect(modelEncoding({ preprocessing: legacy, pipeline: fitted })).toBe(fitted);
		expect(modelInputColumns({ preprocessing: legacy })).toEqual([{ name: 'x', kind: 'numeric' }]);
		expect(() => modelEncoding({})).toThrow(/neither a pipeline nor a preprocessing/);
	});
});

describe('training tables', () => {
	it('a yes/no target becomes two named classes; inputs keep their import types', () => {
		const table = booleanTargetAsClasses({ rowCount: 3, columns: [{ name: 't', kind: 'numeric', values: Float64Array.from([1, 0, NaN]) }] }, 't', [{ name: 't', kind: 'numeric', semantic: 'boolean', booleanLabels: ['no', 'yes'] }]);
		expect(table.columns[0]).toEqual({ name: 't', kind: 'categorical', categories: ['no', 'yes'], codes: Int32Array.from([1, 0, -1]) });
		expect(inputColumns(['when', 'gone'], [{ name: 'when', kind: 'numeric', semantic: 'datetime', dateOrder: 'ymd' }])).toEqual([{ name: 'when', kind: 'numeric', semantic: 'datetime', dateOrder: 'ymd' }]);
	});
});
