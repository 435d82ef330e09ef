import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Table } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { findColumn, inferTask } from '$shared/table';
import type { Pipeline } from '$workers/lib/data/pipeline';
import { classicConfig } from '$workers/lib/model-lab/config';
import { trainClassic } from '$workers/lib/model-lab/train-classic';
import { defaultParams } from '$workers/lib/models';
import type { ClassicSpec } from '$workers/lib/models/types';
import { predictTable } from '$workers/lib/predict';
import { parsePage, runPage } from './fake-dom.spec-support';
import { importedModel } from './import-link';
import { createSharePredictor } from './runtime-share';
import { decodeShareLink, encodeShareLink, packPayload } from './share-link';
import { runSharePayload, shareModelShape } from './share-run';
import { measureShareLink } from './share-size';
import { buildStandalonePage } from './standalone-page';
import { loadDataset, rawRows, useCpu } from './share.spec-support';
import type { SharePayload } from './types';

beforeAll(useCpu);

const demo = () => ({ title: 'lazy', description: '', examples: [] });
const base = (table: Table, target: string, features?: string[]) => ({
	target,
	task: inferTask(findColumn(table, target)),
	features: features ?? table.columns.map((c) => c.name).filter((n) => n !== target),
	seed: 5,
	holdoutFraction: 0.2,
	validationFraction: 0.1
});

async function classic(table: Table, target: string, spec: ClassicSpec, pipeline?: Pipeline, features?: string[]) {
	const result = await trainClassic(table, classicConfig(base(table, target, features), spec), pipeline ? { pipeline } : {});
	return { artifacts: result.model, preprocessing: result.preprocessing, pipeline: result.pipeline };
}

/** The link's predictions on every raw row against Kiln's own (and the imported model's): same labels, probabilities and values equal to float32 rounding. */
async function parity(stored: Awaited<ReturnType<typeof classic>>, table: Table, features: string[]): Promise<{ payload: SharePayload; chars: number; worst: number }> {
	const payload = runSharePayload(stored, demo);
	const code = encodeShareLink(payload);
	const decoded = decodeShareLink(code);
	expect(decoded).toEqual(payload);
	const link = createSharePredictor(decoded);
	const own = await predictTable(stored.artifacts, stored.pipeline && (stored.pipeline.steps.length > 0 || !stored.preprocessing) ? stored.pipeline : stored.preprocessing!, table);
	const imported = await importedModel(decoded);
	expect(imported.kind).toBe('classic');
	const again = await predictTable(imported.artifacts, imported.pipeline ?? imported.preprocessing!, table);
	expect(again).toEqual(own);
	let worst = 0;
	rawRows(table, features).forEach((row, r) => {
		const p = link.predict(row);
		if (own.probabilities) {
			expect(p.label).toBe(own.predictions[r]);
			p.probabilities!.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - own.probabilities![r][c]))));
		} else worst = Math.max(worst, Math.abs(p.value! - Number(own.predictions[r])) / Math.max(1, Math.abs(p.value!)));
	});
	expect(worst).toBeLessThan(1e-6);
	return { payload, chars: code.length, worst };
}

describe('share links for k-nearest neighbours and naive Bayes', () => {
	const penguins = () => loadDataset('penguins.csv');
	it.each([
		['kNN (distance)', 'species', { family: 'knn', params: defaultParams('knn', 'classification') }],
		['kNN (uniform, k = 7)', 'species', { family: 'knn', params: { ...defaultParams('knn', 'classification'), k: 7, weights: 'uniform' } }],
		['kNN regression', 'body_mass_g', { family: 'knn', params: defaultParams('knn', 'regression') }],
		['Gaussian naive Bayes', 'species', { family: 'gaussian-nb', params: defaultParams('gaussian-nb', 'classification') }],
		['categorical naive Bayes', 'species', { family: 'categorical-nb', params: defaultParams('categorical-nb', 'classification') }]
	] as [string, string, ClassicSpec][])('%s on penguins %s: the link, the standalone page and the imported run predict as Kiln', async (name, target, spec) => {
		const table = penguins();
		const features = base(table, target).features;
		const { payload, chars, worst } = await parity(await classic(table, target, spec), table, features);
		const page = buildStandalonePage(payload);
		const { api } = runPage(parsePage(page.html));
		const library = createSharePredictor(payload);
		for (const row of rawRows(table, features).slice(0, 40)) expect(JSON.stringify(api.predict(row))).toBe(JSON.stringify(library.predict(row)));
		console.log(`penguins ${name}: ${shareModelShape(payload.model)}, link ${chars} chars, worst ${worst.toExponential(2)}, page ${page.bytes} bytes`);
	});

	it('through a Prepare pipeline (kNN and Gaussian NB)', async () => {
		const table = penguins();
		const features = ['island', 'bill_length_mm', 'flipper_length_mm', 'sex'];
		const pipeline: Pipeline = {
			format: 'kiln-pipeline',
			version: 1,
			steps: [{ kind: 'impute', columns: ['bill_length_mm', 'flipper_length_mm', 'sex'], strategy: 'mode', value: null, indicator: false }],
			features: [
				{ kind: 'one-hot', column: 'island', maxCategories: 3, other: false, missing: 'mode' },
				{ kind: 'scale', column: 'bill_length_mm', method: 'standard' },
				{ kind: 'scale', column: 'flipper_length_mm', method: 'robust' },
				{ kind: 'hashing', column: 'sex', buckets: 2 }
			]
		};
		await parity(await classic(table, 'species', { family: 'knn', params: defaultParams('knn', 'classification') }, pipeline, features), table, features);
		await parity(await classic(table, 'species', { family: 'gaussian-nb', params: defaultParams('gaussian-nb', 'classification') }, pipeline, features), table, features);
	});

	it('a kNN link above 60,000 stored numbers is refused with a pointer to the standalone file, which predicts', async () => {
		const table = loadDataset('digits.csv');
		const stored = await classic(table, 'digit', { family: 'knn', params: defaultParams('knn', 'classification') });
		const payload = runSharePayload(stored, demo);
		const size = measureShareLink(payload);
		expect(size.fit).toBe('too-large');
		expect(size.code).toBeUndefined();
		expect(size.suggestStandalone).toBe(true);
		expect(size.message).toMatch(/1,293 rows × 64 inputs = 82,752 numbers, over the 60,000 a link carries\. Download the standalone demo file/);
		const page = buildStandalonePage(payload);
		const { api } = runPage(parsePage(page.html));
		const own = await predictTable(stored.artifacts, stored.preprocessing!, table);
		rawRows(table, base(table, 'digit').features).slice(0, 25).forEach((row, r) => expect(api.predict(row).label).toBe(own.predictions[r]));
		console.log(`digits kNN: refused as a link (${size.message.slice(0, 80)}…); standalone page ${page.bytes.toLocaleString('en-US')} bytes`);
	}, 60_000);

	it('hostile kNN and naive Bayes links: 1,500 mutated links give only ShareLinkError, never a crash or hang', async () => {
		const table = penguins();
		const links = await Promise.all(
			(['knn', 'gaussian-nb', 'categorical-nb'] as const).map(async (family) => packPayload(runSharePayload(await classic(table, 'species', { family, params: defaultParams(family, 'classification') } as ClassicSpec), demo)))
		);
		fc.assert(
			fc.property(fc.nat(2), fc.array(fc.tuple(fc.nat(1 << 20), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (which, flips) => {
				const bytes = links[which].slice();
				for (const [i, v] of flips) bytes[i % bytes.length] = v;
				try {
					const payload = decodeShareLink(Buffer.from(deflateSync(bytes)).toString('base64url'));
					// A mutation that still decodes is a sound model: it must predict without throwing.
					const p = createSharePredictor(payload);
					p.predict({});
				} catch (e) {
					expect(e).toBeInstanceOf(KilnError);
					expect(['ShareLinkError', 'ValidationError']).toContain((e as KilnError).name);
				}
			}),
			{ numRuns: 1500, seed: 3 }
		);
	}, 60_000);
});
