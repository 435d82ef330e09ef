import { deflateSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { parseDate } from '$workers/lib/data/import/dates';
import { maskPii } from '$workers/lib/text/pii';
import { cellText } from '$shared/table';
import { kilnPipelineMore, type PipelineCell } from './runtime-pipeline-more';
import { kilnTextRuntime } from './runtime-text';
import { createSharePredictor } from './runtime-share';
import { decodeShareLink, packPayload } from './share-link';
import { runSharePayload } from './share-run';
import { measureShareLink } from './share-size';
import { buildStandalonePage } from './standalone-page';
import { loadDataset, rawRows, useCpu } from './share.spec-support';
import { parsePage, runPage } from './fake-dom.spec-support';
import { linearRun, linkParity, mlpRun, pipelineMorePayload, subTable } from './share-pipeline-more.spec-support';
import fc from 'fast-check';
import { kilnPipelineRuntime } from './runtime-pipeline';
import { studioDeriveEngine } from './derive-engine';
import { encodeShareLink } from './share-link';
import { fittedFromShare } from './import-pipeline';
import { applyPipeline } from '$workers/lib/data/pipeline';
import type { SharePayload } from './types';
import deriveScript from 'virtual:kiln-derive-script';

beforeAll(useCpu);

const pipeline = (steps: Pipeline['steps'], features: Pipeline['features']): Pipeline => ({ format: 'kiln-pipeline', version: 1, steps, features });
const DAY = 86_400_000;

/** Titanic (missing ages, free-text names): derive, anonymise by ranges and masking. */
const titanicFeatures = ['name', 'sex', 'age', 'passenger_class'];
const titanicPipeline = pipeline(
	[
		{ kind: 'derive', name: 'child', expression: 'age < 13' },
		{ kind: 'derive', name: 'title', expression: "if(contains(name, 'Mrs.'), 'mrs', if(contains(name, 'Miss.'), 'miss', if(contains(name, 'Mr.'), 'mr', 'other')))" },
		{ kind: 'derive', name: 'name_length', expression: 'len(name) / 10' },
		{ kind: 'anonymise', column: 'age', method: { type: 'range', width: 15 } },
		{ kind: 'anonymise', column: 'name', method: { type: 'mask', keepStart: 1, keepEnd: 0 } }
	],
	[
		{ kind: 'one-hot', column: 'sex', maxCategories: 5, other: false, missing: 'mode' },
		{ kind: 'one-hot', column: 'passenger_class', maxCategories: 5, other: false, missing: 'mode' },
		{ kind: 'one-hot', column: 'age', maxCategories: 8, other: true, missing: 'zeros' },
		{ kind: 'one-hot', column: 'title', maxCategories: 4, other: false, missing: 'mode' },
		{ kind: 'scale', column: 'child', method: 'none' },
		{ kind: 'scale', column: 'name_length', method: 'standard' },
		{ kind: 'hashing', column: 'name', buckets: 8 }
	]
);

/** CPS wages with an interview date per row (made here: no shipped set has dates) → date parts and months. */
function cpsWithDates(): Table {
	const table = loadDataset('cps-wages-1985.csv');
	const values = Float64Array.from({ length: table.rowCount }, (_, r) => (r % 17 === 0 ? NaN : Date.UTC(1985, 0, 1) + ((r * 7919) % 365) * DAY + ((r * 31) % 24) * 3_600_000 + (r % 60) * 60_000));
	return { rowCount: table.rowCount, columns: [...table.columns, { name: 'interviewed', kind: 'numeric', values }] };
}
const cpsFeatures = ['education', 'experience', 'gender', 'sector', 'race', 'region', 'interviewed'];
const cpsPipeline = pipeline(
	[
		{ kind: 'date-parts', column: 'interviewed', parts: ['month', 'weekday', 'hour', 'day', 'year'], keepSource: true },
		{ kind: 'anonymise', column: 'interviewed', method: { type: 'month' } },
		{ kind: 'anonymise', column: 'experience', method: { type: 'range', width: 10 } },
		{ kind: 'anonymise', column: 'gender', method: { type: 'hash', secret: 'a project secret of 32 characters' } },
		{ kind: 'drop', columns: ['gender', 'region'] },
		{ kind: 'anonymise', column: 'race', method: { type: 'drop' } }
	],
	[
		{ kind: 'scale', column: 'education', method: 'standard' },
		{ kind: 'one-hot', column: 'experience', maxCategories: 6, other: true, missing: 'mode' },
		{ kind: 'one-hot', column: 'sector', maxCategories: 5, other: true, missing: 'mode' },
		{ kind: 'one-hot', column: 'interviewed', maxCategories: 12, other: true, missing: 'zeros' },
		{ kind: 'scale', column: 'interviewed_month', method: 'standard' },
		{ kind: 'scale', column: 'interviewed_weekday', method: 'min-max' },
		{ kind: 'scale', column: 'interviewed_hour', method: 'robust' },
		{ kind: 'scale', column: 'interviewed_day', method: 'standard' },
		{ kind: 'scale', column: 'interviewed_year', method: 'none' }
	]
);

/** Sentiment sentences: e-mails and phone numbers masked, then TF-IDF of words and pairs. */
const sentimentFeatures = ['text', 'source'];
const sentimentPipeline = pipeline(
	[{ kind: 'mask-pii', column: 'text', kinds: ['email', 'phone'] }],
	[
		{ kind: 'tfidf', column: 'text', maxFeatures: 400, minDf: 2, ngrams: 2, sublinear: true, lowercase: true, punctuation: 'drop', numbers: 'normalise' },
		{ kind: 'one-hot', column: 'source', maxCategories: 5, other: true, missing: 'zeros' }
	]
);

describe('links for pipelines with derive, date-parts, anonymise, mask-PII and TF-IDF', () => {
	it('Titanic MLP with derived columns, age ranges and masked names: the link predicts as Kiln, odd rows too, and imports back', async () => {
		const table = loadDataset('titanic.csv');
		const run = await mlpRun(table, 'survived', titanicFeatures, titanicPipeline);
		const all = await linkParity(run, table, titanicFeatures);
		expect(all.payload.pipeline!.steps.map((s) => s.kind)).toEqual(['derive', 'derive', 'derive', 'anonymise', 'anonymise']);
		// Missing and odd cells: no age, age 0 and 140, no name, an unseen class, a name without a title, emoji.
		const odd = subTable(table, [0, 1, 2, 3, 4, 5, 6, 7], {
			age: (r) => [null, 0, 140, -3, undefined, 0.5, undefined, null][r],
			name: (r) => [undefined, null, 'Zoë 🚢 Ünïcode', 'x', undefined, 'Mrs. Mr. Miss.', undefined, 'Mr. Ünal'][r],
			passenger_class: (r) => (r === 4 ? '4th' : undefined),
			sex: (r) => (r === 6 ? null : undefined)
		});
		const oddRows = await linkParity(run, odd, titanicFeatures);
		console.log(`titanic derive/anonymise MLP: link ${all.chars} chars, |Δp| ${all.worst.toExponential(2)} (odd rows ${oddRows.worst.toExponential(2)}), imported |Δp| ${all.worstImport.toExponential(2)}`);
		// Asked for without the expression engine, a standalone page refuses, naming the derived column;
		// with the studio's engine bundled in (as the worker does), it predicts as the link, odd rows too.
		expect(() => buildStandalonePage(all.payload)).toThrow(/computes the column "child" from an expression/);
		const page = buildStandalonePage(all.payload, { deriveScript });
		expect(page.html).toContain('kilnDeriveBundle');
		const { api } = runPage(parsePage(page.html));
		const link = createSharePredictor(all.payload);
		for (const row of [...rawRows(table, titanicFeatures).slice(0, 80), ...rawRows(odd, titanicFeatures)]) expect(JSON.stringify(api.predict(row))).toBe(JSON.stringify(link.predict(row)));
		// An expression is only ever parsed, never run as code: the page still holds a single script under its hash.
		expect(parsePage(page.html).scriptTags).toBe(2);
	});

	it('CPS wages with date parts and months (epoch ms or ISO dates), experience ranges; a hashed column that is dropped stays out', async () => {
		const table = cpsWithDates();
		const run = await linearRun(table, 'wage_above_median', cpsFeatures, cpsPipeline);
		const all = await linkParity(run, table, cpsFeatures);
		expect(all.payload.pipeline!.steps.map((s) => s.kind)).toEqual(['date-parts', 'anonymise', 'anonymise', 'drop']);
		// "race" and "region" are only dropped, so no prediction row needs them and the link leaves their drops out.
		expect(all.payload.pipeline!.inputs.map((i) => i.name)).not.toContain('race');
		expect(all.payload.pipeline!.steps[3]).toEqual({ kind: 'drop', columns: ['gender'] });
		expect(JSON.stringify(all.payload)).not.toContain('project secret');
		expect(all.payload.pipeline!.inputs.find((i) => i.name === 'interviewed')!.date).toBe(true);
		const odd = subTable(table, [0, 1, 2, 3, 4, 5], { interviewed: (r) => [null, 0, -1e12, 8.64e15, 9e15, 1.5][r], experience: (r) => (r === 2 ? -7 : r === 3 ? null : undefined), sector: (r) => (r === 1 ? 'space' : undefined) });
		await linkParity(run, odd, cpsFeatures);
		// A person types the date: the same instant as ISO text predicts the same.
		const link = createSharePredictor(all.payload);
		const interviewed = table.columns.find((c) => c.name === 'interviewed')!;
		for (const [r, row] of rawRows(table, cpsFeatures).slice(0, 40).entries()) {
			if (interviewed.kind !== 'numeric' || Number.isNaN(interviewed.values[r])) continue;
			const iso = new Date(interviewed.values[r]).toISOString().replace('.000Z', '');
			expect(link.predict({ ...row, interviewed: iso })).toEqual(link.predict(row));
		}
		expect(() => link.predict({ ...rawRows(table, cpsFeatures)[0], interviewed: 'next Tuesday' })).toThrow(/must be a date such as 2024-03-05/);
		// The standalone page runs the same code.
		const { api } = runPage(parsePage(buildStandalonePage(all.payload).html));
		for (const row of rawRows(table, cpsFeatures).slice(0, 60)) expect(JSON.stringify(api.predict(row))).toBe(JSON.stringify(link.predict(row)));
		console.log(`cps date-parts/anonymise linear: link ${all.chars} chars, |Δp| ${all.worst.toExponential(2)}, imported |Δp| ${all.worstImport.toExponential(2)}`);
	});

	it('a keyed-hash column the model reads is refused by name: the secret never travels', async () => {
		const table = cpsWithDates();
		const hashed = pipeline([{ kind: 'anonymise', column: 'sector', method: { type: 'hash', secret: 'a project secret of 32 characters' } }], [{ kind: 'one-hot', column: 'sector', maxCategories: 5, other: true, missing: 'mode' }, { kind: 'scale', column: 'education', method: 'standard' }]);
		const run = await linearRun(table, 'wage_above_median', ['sector', 'education'], hashed);
		const attempt = () => runSharePayload(run, () => ({ title: 't', description: '', examples: [] }));
		expect(attempt).toThrow(KilnError);
		expect(attempt).toThrow(/Step 1 pseudonymises "sector" with the project's secret key/);
	});

	it('sentiment texts: mask-PII then TF-IDF (400 terms, pairs) with a linear model; size measured; standalone page matches', async () => {
		const table = loadDataset('sentiment.csv');
		const run = await linearRun(table, 'sentiment', sentimentFeatures, sentimentPipeline);
		const all = await linkParity(run, table, sentimentFeatures);
		const odd = subTable(table, [0, 1, 2, 3, 4, 5], {
			text: (r) => [null, '  ', 'Mail me at jo.doe@example.com or call +44 20 7946 0958, great value!', '¡¡¡ ÉNORME !!! 😀😀 terrible', 'x'.repeat(30_000) + ' great', '12,5 3.14 1999 bad'][r],
			source: (r) => (r === 3 ? 'tv' : r === 4 ? null : undefined)
		});
		const oddRows = await linkParity(run, odd, sentimentFeatures);
		const size = measureShareLink(all.payload);
		const terms = all.payload.pipeline!.features.find((f) => f.kind === 'tfidf');
		console.log(`sentiment mask-pii + TF-IDF (${terms?.kind === 'tfidf' ? terms.terms.length : 0} terms) linear: link ${size.chars} chars (${size.fit}), |Δp| ${all.worst.toExponential(2)} (odd ${oddRows.worst.toExponential(2)}), imported |Δp| ${all.worstImport.toExponential(2)}`);
		expect(size.fit).toBe('fits');
		const link = createSharePredictor(all.payload);
		expect(link.predict({ text: 'write to a@b.org', source: 'amazon' }).warnings.join(' ')).toMatch(/Masked e-mail/);
		const { api } = runPage(parsePage(buildStandalonePage(all.payload).html));
		for (const row of rawRows(odd, sentimentFeatures).concat(rawRows(table, sentimentFeatures).slice(0, 60))) expect(JSON.stringify(api.predict(row))).toBe(JSON.stringify(link.predict(row)));
	});
});

describe('the runtime replays the studio code it stands in for', () => {
	it('e-mail and phone masking equals workers/lib/text/pii.ts on every sentiment and spam text and tricky strings', () => {
		const more = kilnPipelineMore(kilnTextRuntime());
		const texts = [loadDataset('sentiment.csv'), loadDataset('spam.csv')].flatMap((t) => {
			const c = t.columns.find((x) => x.name === 'text')!;
			return Array.from({ length: t.rowCount }, (_, r) => cellText(c, r));
		});
		texts.push('call 555-123-4567 or (020) 7946 0958', 'ip 192.168.0.1, date 2024-03-05, pi 3.14159', 'a@b.co,b@c.de;+1 (555) 010-9999', 'ünï@exämple.de 0049 30 1234567', '1234567890123456789', 'x@y', '');
		for (const kinds of [['email', 'phone'], ['phone'], ['email']] as ('email' | 'phone')[][]) {
			for (const t of texts) {
				const cells = new Map<string, PipelineCell>([['text', { n: false, v: t }]]);
				more.step({ kind: 'mask-pii', column: 'text', kinds }, cells, (n) => cells.get(n)!, []);
				expect(cells.get('text')!.v).toBe(maskPii(t, kinds).text);
			}
		}
		expect(texts.length).toBeGreaterThan(4000);
	});

	it('ISO dates read as the importer reads year-first dates', () => {
		const { parseIsoDate } = kilnPipelineMore();
		const cases = ['2024-03-05', '2024/03/05', '1985-12-31T23:59', '1985-12-31 23:59:59.5', '2000-02-29T12:00:00Z', '2001-02-29', '2024-03-05T14:30+01:00', '2024-03-05T14:30-0530', '2024-03-05 1:45 PM', '2024-03-05 13:45 PM', '2024-13-01', '0001-01-01', '9999-12-31T23:59:59.999999', '2024-3-5', '2024-03-05T24:00', 'soon', '2024.03.05', ' 2024-03-05 '];
		for (const text of cases) expect(Object.is(parseIsoDate(text), parseDate(text.trim(), 'ymd')) || (Number.isNaN(parseIsoDate(text)) && Number.isNaN(parseDate(text.trim(), 'ymd')))).toBe(true);
	});
});

describe('every new step kind in one payload (property)', () => {
	const encoder = kilnPipelineRuntime(kilnPipelineMore(kilnTextRuntime(), studioDeriveEngine()));
	it('round-trips, predicts its example as before, and its pipeline imported back encodes the row as the link does (150 cases)', async () => {
		await fc.assert(
			fc.asyncProperty(pipelineMorePayload, async (p) => {
				const decoded = decodeShareLink(encodeShareLink(p));
				expect(decoded).toEqual(p);
				const row = p.demo.examples[0];
				const before = createSharePredictor(p).predict(row);
				expect(createSharePredictor(decoded).predict(row)).toEqual(before);
				const imported = { pipeline: fittedFromShare(decoded.pipeline!, decoded.preprocessing.target) };
				// The imported pipeline, replayed by the workbench on the row as a one-row table, gives the link's matrix.
				const cells = (name: string) => row[name];
				const num = (t: string) => (t === '' || t === 'NA' ? NaN : Number(t));
				const table: Table = {
					rowCount: 1,
					columns: [
						{ name: 'a', kind: 'numeric', values: Float64Array.of(num(cells('a'))) },
						{ name: 'c', kind: 'categorical', categories: ['y'], codes: Int32Array.of(0) },
						{ name: 'f', kind: 'numeric', values: Float64Array.of(cells('f') === '' ? NaN : /^\d+$/.test(cells('f')) ? Number(cells('f')) : parseDate(cells('f'), 'ymd')) },
						{ name: 'g', kind: 'categorical', categories: [cells('g').trim()], codes: Int32Array.of(cells('g').trim() === '' ? -1 : 0) }
					]
				};
				expect(Array.from(applyPipeline(imported.pipeline!, table).x)).toEqual(Array.from(encoder.createPipelineEncoder(decoded.pipeline!)(row).x));
			}),
			{ numRuns: 150, seed: 41 }
		);
	});
});

describe('damaged pipeline links give a ShareLinkError naming the step', () => {
	let good: SharePayload;
	beforeAll(async () => {
		const table = loadDataset('titanic.csv');
		const steps = pipeline([...titanicPipeline.steps, { kind: 'mask-pii', column: 'name', kinds: ['email'] }, { kind: 'derive', name: 'when', expression: 'name_length * 1e11' }, { kind: 'date-parts', column: 'when', parts: ['year'], keepSource: false }], [...titanicPipeline.features.slice(0, 3), { kind: 'tfidf', column: 'title', maxFeatures: 10, minDf: 1, ngrams: 1, sublinear: false, lowercase: true, punctuation: 'keep', numbers: 'keep' }]);
		good = runSharePayload(await linearRun(table, 'survived', titanicFeatures, steps), () => ({ title: 't', description: '', examples: [] }), 'float32');
	});

	function relinked(edit: (header: { pipeline: { steps: Record<string, unknown>[]; features: Record<string, unknown>[] } }) => void): string {
		const packed = packPayload(good);
		const length = new DataView(packed.buffer).getUint32(5, true);
		const header = JSON.parse(new TextDecoder().decode(packed.subarray(9, 9 + length)));
		edit(header);
		const json = new TextEncoder().encode(JSON.stringify(header));
		const tensors = packed.slice(9 + length);
		const bytes = new Uint8Array(9 + json.length + tensors.length);
		bytes.set(packed.subarray(0, 5));
		new DataView(bytes.buffer).setUint32(5, json.length, true);
		bytes.set(json, 9);
		bytes.set(tensors, 9 + json.length);
		return Buffer.from(deflateSync(bytes)).toString('base64url');
	}
	const stepAt = (kind: string) => good.pipeline!.steps.findIndex((s) => s.kind === kind);

	it('byte changes in the header of such a link (2,000 cases): a ShareLinkError, or a payload that predicts or says what is wrong with the row', () => {
		const packed = packPayload(good);
		const length = new DataView(packed.buffer).getUint32(5, true);
		const row = rawRows(loadDataset('titanic.csv'), titanicFeatures)[3];
		fc.assert(
			fc.property(fc.array(fc.record({ at: fc.integer({ min: 9, max: 8 + length }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }), (changes) => {
				const bytes = packed.slice();
				for (const { at, value } of changes) bytes[at] = value;
				let decoded: SharePayload;
				try {
					decoded = decodeShareLink(Buffer.from(deflateSync(bytes)).toString('base64url'));
				} catch (error) {
					expect((error as Error).name).toBe('ShareLinkError');
					return;
				}
				try {
					expect(typeof createSharePredictor(decoded).predict(row).label).toBe('string');
				} catch (error) {
					expect(['ValidationError', 'ExpressionError', 'SchemaMismatchError']).toContain((error as Error).name);
				}
			}),
			{ numRuns: 2000, seed: 43 }
		);
	});

	it.each([
		['an expression that does not parse', (h: Parameters<Parameters<typeof relinked>[0]>[0]) => (h.pipeline.steps[0].expression = 'age < < 13'), /steps\[0\] \(derive "child"\) has an expression Kiln cannot use/],
		['an expression on a column that is not there', (h: Parameters<Parameters<typeof relinked>[0]>[0]) => (h.pipeline.steps[1].expression = "contains(nom, 'Mrs.')"), /steps\[1\] \(derive "title"\)/],
		['an expression that calls code', (h: Parameters<Parameters<typeof relinked>[0]>[0]) => (h.pipeline.steps[2].expression = 'constructor.constructor("return 1")()'), /steps\[2\] \(derive "name_length"\)/],
		['a range of width 0', (h: Parameters<Parameters<typeof relinked>[0]>[0]) => (h.pipeline.steps[3].method = { type: 'range', width: 0 }), /steps\[3\]\.method\.width/],
		['a keyed hash', (h: Parameters<Parameters<typeof relinked>[0]>[0]) => (h.pipeline.steps[4].method = { type: 'hash', secret: 'xxxxxxxxxxxxxxxxxxxx' }), /steps\[4\]\.method/],
		['masking PII in a numeric column', (h: Parameters<Parameters<typeof relinked>[0]>[0]) => (h.pipeline.steps[5].column = 'name_length'), /steps\[5\] \(mask-pii\) expects text in "name_length"/],
		['date parts of a text column', (h: Parameters<Parameters<typeof relinked>[0]>[0]) => (h.pipeline.steps[7].column = 'title'), /steps\[7\] \(date parts\)/],
		['a TF-IDF count above the document total', (h: Parameters<Parameters<typeof relinked>[0]>[0]) => ((h.pipeline.features[3].df as number[])[0] = 1e9 + 1), /features\[3\]\.df\[0\]/],
		['TF-IDF terms repeated', (h: Parameters<Parameters<typeof relinked>[0]>[0]) => ((h.pipeline.features[3].terms as string[])[1] = (h.pipeline.features[3].terms as string[])[0]), /features\[3\]\.terms/]
	])('%s', (_name, edit, message) => {
		expect(stepAt('derive')).toBe(0);
		const code = relinked(edit);
		let error: unknown;
		try {
			decodeShareLink(code);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(KilnError);
		expect((error as KilnError).name).toBe('ShareLinkError');
		expect((error as KilnError).message).toMatch(message);
	});
});
