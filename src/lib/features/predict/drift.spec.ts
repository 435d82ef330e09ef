import { describe, expect, it } from 'vitest';
import type { ColumnDrift, DriftLevel, DriftReport } from '$workers/protocol';
import { columnNote, driftCsv, driftHeadline, ksText, largestPsi, percent } from './drift';

const column = (name: string, psi: number, level: DriftLevel): ColumnDrift => ({ name, kind: 'numeric', psi, level, bins: [], missing: { reference: 0, current: 0 }, summary: { reference: '', current: '' } });
const report = (columns: ColumnDrift[]): DriftReport => ({ referenceRows: 1200, currentRows: 50, columns, predictions: null, notes: [] });

describe('drift wording', () => {
	it('says what moved, most shifted first, and how many', () => {
		expect(driftHeadline(report([column('a', 0.01, 'stable'), column('b', 0.02, 'stable')]))).toBe('No input column has shifted: all 2 are distributed as in the 1,200 training rows.');
		expect(driftHeadline(report([column('a', 0.5, 'major'), column('b', 0.12, 'moderate'), column('c', 0, 'stable')]))).toBe('1 of 3 input columns shifted a lot (a); 1 shifted somewhat (b), against the 1,200 training rows.');
		expect(driftHeadline(report([column('b', 0.12, 'moderate')]))).toBe('1 of 1 input column shifted somewhat (b), against the 1,200 training rows.');
		const many = ['p', 'q', 'r', 's', 't'].map((n) => column(n, 1, 'major'));
		expect(driftHeadline(report(many))).toBe('5 of 5 input columns shifted a lot (p, q, r and 2 more), against the 1,200 training rows.');
		expect(driftHeadline(report([column('text: words per text', 0.3, 'major'), column('b', 0, 'stable')]), 'texts')).toBe('1 of 2 measures shifted a lot (text: words per text), against the 1,200 training texts.');
	});

	it('reads shares and tests plainly', () => {
		expect([0, 0.0004, 0.052, 0.5].map(percent)).toEqual(['0 %', '< 0.1 %', '5.2 %', '50 %']);
		expect(ksText({ ...column('a', 0, 'stable'), ks: { statistic: 0.304, pValue: 1e-7 } })).toBe('KS 0.30, p < 0.001');
		expect(ksText({ ...column('a', 0, 'stable'), ks: { statistic: 0.05, pValue: 0.7312 } })).toBe('KS 0.05, p 0.731');
		expect(ksText(column('a', 0, 'stable'))).toBeNull();
		expect(columnNote({ ...column('a', 3, 'stable'), ks: { statistic: 0.5, pValue: 0.2 }, chance: 4.123 })).toBe('KS 0.50, p 0.200 · chance alone: up to 4.12');
		expect(columnNote({ ...column('k', 0.3, 'major'), kind: 'categorical', unseen: [{ value: 'z', count: 2 }], unseenKinds: 40 })).toBe('40 new categories');
		expect(columnNote(column('a', 0, 'stable'))).toBeUndefined();
		expect(largestPsi(report([column('a', 0.3, 'major'), column('b', 0.7, 'major')]))).toBe(0.7);
		expect(largestPsi(report([]))).toBe(0);
	});
});

describe('a drift check as CSV', () => {
	it('has a row per column and one for the predictions, user text kept as text', () => {
		const named = { ...column('=cmd', 0.31, 'major'), ks: { statistic: 0.5, pValue: 0.000123 }, summary: { reference: 'median 1, middle half 0 to 2', current: 'median 3, middle half 2 to 4' } };
		const predictions: ColumnDrift = { ...column('predicted y', 0, 'stable'), kind: 'categorical', summary: { reference: 'most often “a” (60 %)', current: 'most often “a” (58 %)' } };
		const csv = driftCsv({ modelId: 'm', at: 1, fileName: 'f.csv', report: { ...report([named]), predictions } });
		expect(csv.split('\n')).toEqual([
			'column,kind,psi,level,ks_statistic,ks_p_value,missing_training,missing_new,training,new_rows',
			"'=cmd,numeric,0.3100,major,0.5000,0.000123,0.0000,0.0000,\"median 1, middle half 0 to 2\",\"median 3, middle half 2 to 4\"",
			'predicted y,categorical,0.0000,stable,,,0.0000,0.0000,most often “a” (60 %),most often “a” (58 %)',
			''
		]);
	});
});
