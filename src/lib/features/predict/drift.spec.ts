import { describe, expect, it } from 'vitest';
import type { ColumnDrift, DriftLevel, DriftReport } from '$workers/protocol';
import { driftHeadline, ksText, largestPsi, percent } from './drift';

const column = (name: string, psi: number, level: DriftLevel): ColumnDrift => ({ name, kind: 'numeric', psi, level, bins: [], missing: { reference: 0, current: 0 }, summary: { reference: '', current: '' } });
const report = (columns: ColumnDrift[]): DriftReport => ({ referenceRows: 1200, currentRows: 50, columns, predictions: null, notes: [] });

describe('drift wording', () => {
	it('says what moved, most shifted first, and how many', () => {
		expect(driftHeadline(report([column('a', 0.01, 'stable'), column('b', 0.02, 'stable')]))).toBe('No input column has shifted: all 2 are distributed as in the 1,200 training rows.');
		expect(driftHeadline(report([column('a', 0.5, 'major'), column('b', 0.12, 'moderate'), column('c', 0, 'stable')]))).toBe('1 of 3 input columns shifted a lot (a); 1 shifted somewhat (b), against the 1,200 training rows.');
		expect(driftHeadline(report([column('b', 0.12, 'moderate')]))).toBe('1 of 1 input column shifted somewhat (b), against the 1,200 training rows.');
		const many = ['p', 'q', 'r', 's', 't'].map((n) => column(n, 1, 'major'));
		expect(driftHeadline(report(many))).toBe('5 of 5 input columns shifted a lot (p, q, r and 2 more), against the 1,200 training rows.');
	});

	it('reads shares and tests plainly', () => {
		expect([0, 0.0004, 0.052, 0.5].map(percent)).toEqual(['0 %', '< 0.1 %', '5.2 %', '50 %']);
		expect(ksText({ ...column('a', 0, 'stable'), ks: { statistic: 0.304, pValue: 1e-7 } })).toBe('KS 0.30, p < 0.001');
		expect(ksText({ ...column('a', 0, 'stable'), ks: { statistic: 0.05, pValue: 0.7312 } })).toBe('KS 0.05, p 0.731');
		expect(ksText(column('a', 0, 'stable'))).toBeNull();
		expect(largestPsi(report([column('a', 0.3, 'major'), column('b', 0.7, 'major')]))).toBe(0.7);
		expect(largestPsi(report([]))).toBe(0);
	});
});
