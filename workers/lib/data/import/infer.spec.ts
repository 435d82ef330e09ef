import { describe, expect, it } from 'vitest';
import { parseDate, detectDateOrder } from './dates';
import { inferColumn } from './infer';
import { load, rowsOf } from './import.spec-support';

const semantic = (values: string[]) => inferColumn(values).semantic;

describe('type inference', () => {
	it('keeps leading zeros as text: ZIP codes and IDs never become numbers', async () => {
		expect(semantic(['08123', '10115', '75001'])).toBe('categorical');
		const { table, end } = await load('zip,n\n08123,1\n00501,2\n08123,3\n');
		expect(end.columns[0]).toMatchObject({ semantic: 'categorical', physical: 'categorical' });
		expect(rowsOf(table).map((r) => r[0])).toEqual(['08123', '00501', '08123']);
	});

	it('tells integers from decimals, and refuses digits a float64 cannot hold', () => {
		expect(semantic(['1', '-2', '30'])).toBe('integer');
		expect(semantic(['1', '2.5', '3'])).toBe('numeric');
		expect(semantic(['1e3', '2'])).toBe('numeric');
		expect(semantic(['4111111111111111', '5500005555555559'])).not.toBe('integer');
		expect(semantic(['0x1A', '12'])).toBe('categorical');
	});

	it('reads booleans: true/false and yes/no alone, y/n, t/f, 0/1 only in pairs', () => {
		expect(inferColumn(['Yes', 'No', 'yes'])).toMatchObject({ semantic: 'boolean', booleanLabels: ['No', 'Yes'] });
		expect(semantic(['TRUE', 'false'])).toBe('boolean');
		expect(semantic(['true', 'true'])).toBe('boolean');
		expect(semantic(['0', '1', '1'])).toBe('boolean');
		expect(semantic(['1', '1'])).toBe('integer');
		expect(semantic(['y', 'n'])).toBe('boolean');
		expect(semantic(['y', 'y'])).toBe('categorical');
		expect(semantic(['yes', 'no', 'maybe'])).toBe('categorical');
	});

	it('reads ISO dates and date-times, with zones, into UTC epoch ms', () => {
		expect(parseDate('2024-02-29', 'ymd')).toBe(Date.UTC(2024, 1, 29));
		expect(parseDate('2023-02-29', 'ymd')).toBeNaN();
		expect(parseDate('2024-03-05T14:30', 'ymd')).toBe(Date.UTC(2024, 2, 5, 14, 30));
		expect(parseDate('2024-03-05 14:30:15.25', 'ymd')).toBe(Date.UTC(2024, 2, 5, 14, 30, 15, 250));
		expect(parseDate('2024-03-05T14:30:00Z', 'ymd')).toBe(Date.UTC(2024, 2, 5, 14, 30));
		expect(parseDate('2024-03-05T14:30:00+02:00', 'ymd')).toBe(Date.UTC(2024, 2, 5, 12, 30));
		expect(parseDate('2024-03-05T14:30:00-0530', 'ymd')).toBe(Date.UTC(2024, 2, 5, 20, 0));
		expect(parseDate('1969-07-20', 'ymd')).toBe(Date.UTC(1969, 6, 20));
		expect(parseDate('2024/03/05', 'ymd')).toBe(Date.UTC(2024, 2, 5));
		expect(parseDate('24-03-05', 'ymd')).toBeNaN();
		expect(parseDate('2024-13-01', 'ymd')).toBeNaN();
		expect(parseDate('2024-03-05T25:00', 'ymd')).toBeNaN();
		expect(parseDate('3/5/2024 1:30 PM', 'mdy')).toBe(Date.UTC(2024, 2, 5, 13, 30));
		expect(parseDate('12/5/2024 12:10 AM', 'mdy')).toBe(Date.UTC(2024, 11, 5, 0, 10));
	});

	it('matches Date.UTC on random days over four centuries', () => {
		for (let k = 0; k < 2000; k++) {
			const ms = Date.UTC(1800, 0, 1) + Math.floor(((k * 7919) % 146097) * 86_400_000);
			const iso = new Date(ms).toISOString().slice(0, 10);
			expect(parseDate(iso, 'ymd')).toBe(ms);
		}
	});

	it('chooses day/month order by the sample, else by the separator, and says so', async () => {
		expect(detectDateOrder(['25/12/2024', '01/02/2024'])).toEqual({ order: 'dmy', ambiguous: false });
		expect(detectDateOrder(['12/25/2024', '01/02/2024'])).toEqual({ order: 'mdy', ambiguous: false });
		expect(detectDateOrder(['01/02/2024', '03/04/2024'])).toEqual({ order: 'mdy', ambiguous: true });
		expect(detectDateOrder(['01.02.2024', '03.04.2024'])).toEqual({ order: 'dmy', ambiguous: true });
		expect(detectDateOrder(['25/12/2024', '12/25/2024'])).toBeNull();
		const { table, end } = await load('when,v\n01/02/2024,1\n03/04/2024,2\n');
		expect(end.columns[0]).toMatchObject({ semantic: 'datetime', dateOrder: 'mdy' });
		expect(end.warnings.find((w) => w.kind === 'ambiguous-date')?.message).toMatch(/read as month\/day\/year/);
		expect(rowsOf(table)[0][0]).toBe(String(Date.UTC(2024, 0, 2)));
		const dmy = await load('when,v\n01/02/2024,1\n03/04/2024,2\n', 'x.csv', { dateOrder: 'dmy' });
		expect(rowsOf(dmy.table)[0][0]).toBe(String(Date.UTC(2024, 1, 1)));
		expect(dmy.end.warnings.some((w) => w.kind === 'ambiguous-date')).toBe(false);
	});

	it('tells identifiers, free text and categories apart', () => {
		const ids = Array.from({ length: 30 }, (_, i) => `U-${1000 + i}`);
		expect(semantic(ids)).toBe('identifier');
		const text = Array.from({ length: 30 }, (_, i) => `the parcel ${i} arrived late and damaged`);
		expect(semantic(text)).toBe('text');
		expect(semantic(['red', 'green', 'red', 'blue', 'green'])).toBe('categorical');
		expect(semantic(['New York', 'Paris', 'New York', 'Paris'])).toBe('categorical');
	});

	it('treats the default missing tokens as missing but keeps "None" as a category', async () => {
		const { table, end } = await load('a,b\n1,None\nNA,x\nN/A,None\nnull,?\n-,y\n5,NULL\n');
		expect(end.columns[0].semantic).toBe('integer');
		expect(rowsOf(table)).toEqual([
			['1', 'None'],
			[null, 'x'],
			[null, 'None'],
			[null, null],
			[null, 'y'],
			['5', null]
		]);
		const custom = await load('a\n1\nmissing\n3\n', 'x.csv', { missing: ['missing'] });
		expect(rowsOf(custom.table)).toEqual([['1'], [null], ['3']]);
	});

	it('tolerates a few odd spellings in a numeric column and reports them', async () => {
		const lines = ['v', ...Array.from({ length: 400 }, (_, i) => String(i / 2)), '#N/A', 'unknown', '#N/A'];
		const { table, end } = await load(lines.join('\n'));
		expect(end.columns[0].semantic).toBe('numeric');
		expect(rowsOf(table).slice(400)).toEqual([[null], [null], [null]]);
		expect(end.warnings.find((w) => w.kind === 'missing-like')?.message).toMatch(/"#N\/A", "unknown" were read as missing/);
	});

	it('detects the header, or its absence, and takes an override', async () => {
		expect((await load('x,y\n1,2\n3,4\n')).end.format.header).toBe(true);
		const headless = await load('1,2\n3,4\n5,6\n');
		expect(headless.end.format.header).toBe(false);
		expect(headless.table.columns.map((c) => c.name)).toEqual(['column_1', 'column_2']);
		expect(headless.table.rowCount).toBe(3);
		expect((await load('male,S\nfemale,C\nmale,S\nfemale,Q\nmale,S\n')).end.format.header).toBe(false);
		expect((await load('sex,port\nmale,S\nfemale,C\nmale,S\nfemale,Q\n')).end.format.header).toBe(true);
		expect((await load('x,y\n1,2\n', 'x.csv', { header: false })).table.rowCount).toBe(2);
	});

	it('takes a type override and a decimal comma', async () => {
		const { table, end } = await load('code;price\n1;1,5\n2;2,25\n', 'x.csv', { types: { code: 'categorical' }, numberFormat: { decimal: ',' } });
		expect(end.columns.map((c) => c.semantic)).toEqual(['categorical', 'numeric']);
		expect(rowsOf(table)).toEqual([
			['1', '1.5'],
			['2', '2.25']
		]);
	});
});
