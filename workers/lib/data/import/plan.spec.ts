import { describe, expect, it } from 'vitest';
import { load, rowsOf, utf8 } from './import.spec-support';
import { DEFAULT_MISSING, type CsvPlan, type ImportOptions } from './types';

// A messy file: a duplicated header name, a numeric column with a missing-like spelling, yes/no
// booleans, dates, text with quotes and a newline, leading-zero codes, blank lines.
function messy(rows: number): string {
	const lines = ['id,x,x,flag,day,note,zip'];
	for (let i = 0; i < rows; i++) {
		const x = i === 7 ? 'unknown' : String((i * 7) % 23);
		const note = i % 5 === 0 ? `"said ""hi"", ${i % 3}"` : i % 11 === 0 ? '"two\nlines"' : `n${i % 4}`;
		lines.push(`r${i},${x},${(i * 0.25).toFixed(2)},${i % 3 ? 'yes' : 'no'},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${note},${String(i * 37 % 1000).padStart(5, '0')}`);
		if (i % 40 === 39) lines.push('');
	}
	return lines.join('\n') + '\n';
}

/** The text of the first `lines` physical lines (a preview's cut: after a line break outside quotes). */
function head(text: string, rows: number): string {
	let quotes = 0;
	let seen = 0;
	for (let i = 0; i < text.length; i++) {
		if (text[i] === '"') quotes++;
		else if (text[i] === '\n' && quotes % 2 === 0 && ++seen === rows) return text.slice(0, i + 1);
	}
	return text;
}

const SAMPLE: ImportOptions = { sampleRows: 200 };

async function planOf(text: string, options: ImportOptions = SAMPLE): Promise<CsvPlan> {
	const { end } = await load(text, 'messy.csv', { ...options, makePlan: true, profile: false });
	expect(end.plan).toBeDefined();
	return end.plan!;
}

/** A plan changed so that taking it shows: the first column read as text instead of identifier. */
const marked = (plan: CsvPlan): CsvPlan => ({ ...plan, columns: plan.columns.map((c, i) => (i === 6 ? { ...c, semantic: 'text' as const } : c)) });

describe('a preview plan taken by the import', () => {
	it('gives the same table, types, warnings and profile as inferring again', async () => {
		const text = messy(800);
		const plan = await planOf(head(text, 300));
		expect(plan.atEnd).toBe(false);
		const fresh = await load(text, 'messy.csv', SAMPLE);
		const taken = await load(text, 'messy.csv', { ...SAMPLE, plan });
		expect(taken.end.columns).toEqual(fresh.end.columns);
		expect(taken.end.warnings).toEqual(fresh.end.warnings);
		expect(taken.end.format).toEqual(fresh.end.format);
		expect(taken.end.profile).toEqual(fresh.end.profile);
		expect(rowsOf(taken.table)).toEqual(rowsOf(fresh.table));
		expect(fresh.end.warnings.map((w) => w.kind)).toEqual(expect.arrayContaining(['duplicate-header', 'missing-like']));
	});

	it('is taken when the file starts with its text and the choices are the same, else ignored', async () => {
		const text = messy(600);
		const plan = marked(await planOf(head(text, 300)));
		const zip = async (options: ImportOptions, input = text) => (await load(input, 'messy.csv', { ...SAMPLE, ...options, plan })).end.columns[6].semantic;
		expect(await zip({})).toBe('text');
		// The page sends the default tokens back as the person saw them (blank first, then the rest).
		expect(await zip({ missing: ['', ...[...DEFAULT_MISSING].filter((t) => t !== '').reverse()] })).toBe('text');
		// Other choices, another delimiter or encoding, other bytes: inferred again.
		expect(await zip({ missing: ['', 'NA'] })).not.toBe('text');
		expect(await zip({ types: { flag: 'categorical' } })).not.toBe('text');
		expect(await zip({ header: true })).not.toBe('text');
		expect(await zip({ encoding: 'windows-1252' })).not.toBe('text');
		expect(await zip({}, text.replace('r3,', 'r4,'))).not.toBe('text');
		expect(await zip({}, head(text, 10))).not.toBe('text');
	});

	it('made at the end of a short text, fits only that exact text', async () => {
		const text = messy(30);
		const plan = marked(await planOf(text));
		expect(plan.atEnd).toBe(true);
		expect((await load(text, 'messy.csv', { ...SAMPLE, plan })).end.columns[6].semantic).toBe('text');
		expect((await load(text + 'r9,1,1,no,2024-01-01,n,00001\n', 'messy.csv', { ...SAMPLE, plan })).end.columns[6].semantic).not.toBe('text');
	});

	it('survives the structured clone to a worker', async () => {
		const text = messy(600);
		const plan = structuredClone(await planOf(head(text, 300)));
		const fresh = await load(text, 'messy.csv', SAMPLE);
		const taken = await load(text, 'messy.csv', { ...SAMPLE, plan });
		expect(taken.end.columns).toEqual(fresh.end.columns);
		expect(taken.end.warnings).toEqual(fresh.end.warnings);
	});
});
