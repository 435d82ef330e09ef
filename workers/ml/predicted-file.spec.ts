import { describe, expect, it } from 'vitest';
import type { ModelRecord } from '$lib/db';
import type { Table } from '../protocol';
import { fileDrift } from './predicted-file';

const model = { id: 'm', runId: 'r' } as ModelRecord;
const table: Table = { rowCount: 3, columns: [{ name: 'x', kind: 'numeric', values: Float64Array.from([1, 2, 3]) }, { name: 'y', kind: 'categorical', categories: ['a', 'b'], codes: Int32Array.from([0, 1, 0]) }] };
const target = { name: 'y', task: 'classification' as const, classes: ['a', 'b'] };

describe('a predicted file’s drift check', () => {
	it('compares the new rows with the training rows and keeps the reference’s notes first', async () => {
		const drift = await fileDrift(model, [{ name: 'x', kind: 'numeric' }], table, target, ['a', 'b', 'a'], async () => ({ table, rows: Int32Array.from([0, 1, 2]), notes: ['edited'] }));
		expect('report' in drift && drift.report.columns[0].psi).toBe(0);
		expect('report' in drift && drift.report.notes[0]).toBe('edited');
	});

	it('says why there is no check instead of failing the prediction', async () => {
		expect(await fileDrift(model, [], table, target, [], async () => 'gone')).toEqual({ unavailable: 'gone' });
		const failed = await fileDrift(model, [], table, target, [], async () => {
			throw new Error('disk on fire');
		});
		expect(failed).toEqual({ unavailable: 'The new rows could not be compared with the training data: disk on fire' });
	});
});
