import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationMetrics } from '$workers/protocol';
import { predictTable } from '$workers/lib/predict';
import { KilnError } from '$shared/errors';
import { BUNDLE_FORMAT_VERSION, readBundle, upgradeBundleFiles, writeBundle, type BundleFiles } from './bundle';
import { bundleOf, chunksTable } from './bundle.spec-support';
import { trainBriefly, useCpu, type Trained } from './share.spec-support';

beforeAll(useCpu);

const fixture = new Uint8Array(readFileSync(new URL('./fixtures/bundle-v1.zip', import.meta.url)));
const OPTIONS = { kilnVersion: '0.1.0', createdAt: Date.UTC(2026, 10, 25, 12) };

/** The fixture's files, edited, zipped again. */
function edited(edit: (files: Record<string, Uint8Array>) => void): Uint8Array {
	const files = unzipSync(fixture);
	edit(files);
	return zipSync(files);
}
const editJson = (files: Record<string, Uint8Array>, path: string, edit: (o: Record<string, unknown>) => void) => {
	const o = JSON.parse(new TextDecoder().decode(files[path]));
	edit(o);
	files[path] = strToU8(JSON.stringify(o));
};
function importError(bytes: Uint8Array): string {
	try {
		readBundle(bytes);
	} catch (error) {
		if (error instanceof KilnError && error.name === 'ImportError') return error.message;
		throw error;
	}
	throw new Error('the bundle was accepted');
}

let iris: Trained;
beforeAll(async () => {
	iris = await trainBriefly('iris.csv', 'species', { hiddenLayers: [8], epochs: 10 });
});

describe('project bundle round trip', () => {
	it('restores project, dataset rows, run and a model that predicts exactly as before', async () => {
		const data = bundleOf(iris, { rows: true, chunkRows: 64 });
		const zip = writeBundle(data, OPTIONS);
		const back = readBundle(zip);
		expect(back.manifest).toMatchObject({ formatVersion: BUNDLE_FORMAT_VERSION, kilnVersion: '0.1.0', datasets: 1, runs: 1, models: 1, includesRows: true });
		expect(back.upgraded).toEqual([]);
		expect(back.project).toEqual(data.project);
		expect(back.runs).toEqual(data.runs);
		expect(back.datasets[0].chunks!.map((c) => c.rowCount)).toEqual([64, 64, 22]);
		const table = chunksTable(back.datasets[0]);
		expect(table).toEqual(iris.table);
		const before = await predictTable(iris.result.model, iris.prep, iris.table);
		const after = await predictTable(back.models[0].artifacts, back.models[0].preprocessing, table);
		expect(after).toEqual(before);
		expect(writeBundle(data, OPTIONS)).toEqual(zip);
		console.log(`iris bundle with rows: ${zip.length} bytes`);
	});

	it('can leave the rows out', () => {
		const back = readBundle(writeBundle(bundleOf(iris, { rows: false }), OPTIONS));
		expect(back.manifest.includesRows).toBe(false);
		expect(back.datasets[0].chunks).toBeUndefined();
		expect(back.datasets[0].rowCount).toBe(150);
	});

	it('keeps a column marked as text (a folder of .txt files) and refuses a mark that is not true/false', () => {
		const data = bundleOf(iris, { rows: false });
		const marked = { ...data, datasets: [{ ...data.datasets[0], columns: data.datasets[0].columns.map((c) => (c.kind === 'categorical' ? { ...c, text: true as const } : c)) }] };
		expect(readBundle(writeBundle(marked, OPTIONS)).datasets[0].columns.find((c) => c.kind === 'categorical')).toMatchObject({ text: true });
		const bad = { ...data, datasets: [{ ...data.datasets[0], columns: data.datasets[0].columns.map((c) => ({ ...c, text: 'yes' as unknown as true })) }] };
		expect(() => readBundle(writeBundle(bad, OPTIONS))).toThrow(/columns\[0\]\.text/);
	});

	it('refuses to write a bundle whose records do not point at each other', () => {
		const data = bundleOf(iris, { rows: false });
		expect(() => writeBundle({ ...data, models: [{ ...data.models[0], runId: 'elsewhere' }] }, OPTIONS)).toThrow(/comes from run "elsewhere"/);
	});
});

describe('format 1 fixture (upgraded to format 2, which adds image datasets)', () => {
	it('keeps importing: project, 150 rows, the run with its card, and a model that still classifies iris', async () => {
		const bundle = readBundle(fixture);
		expect(bundle.manifest.formatVersion).toBe(BUNDLE_FORMAT_VERSION);
		expect(bundle.upgraded).toEqual(['1 → 2']);
		expect(bundle.project.name).toBe('Iris flowers');
		const table = chunksTable(bundle.datasets[0]);
		expect(table.rowCount).toBe(150);
		expect(table.columns.map((c) => c.name)).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species']);
		const run = bundle.runs[0];
		expect(run.status).toBe('done');
		expect((run.metrics as ClassificationMetrics).accuracy).toBeCloseTo(0.9667, 3);
		expect(run.modelCard).toContain('## Evaluation');
		const model = bundle.models[0];
		const predicted = await predictTable(model.artifacts, model.preprocessing, table);
		const species = table.columns[4] as { categories: string[]; codes: Int32Array };
		const correct = predicted.predictions.filter((p, r) => p === species.categories[species.codes[r]]).length;
		expect(correct / 150).toBeGreaterThanOrEqual(0.9);
	});
});

describe('hostile and damaged bundles', () => {
	it('names what is wrong', () => {
		expect(importError(strToU8('not a zip at all'))).toMatch(/not a zip archive/);
		expect(importError(edited((f) => editJson(f, 'manifest.json', (m) => (m.formatVersion = 7))))).toMatch(/newer Kiln \(bundle format 7/);
		expect(importError(edited((f) => delete f['project.json']))).toMatch(/"project.json" is missing/);
		expect(importError(edited((f) => (f['runs/0/run.json'] = strToU8('{"id": '))))).toMatch(/"runs\/0\/run.json" is not valid JSON/);
		expect(importError(edited((f) => editJson(f, 'runs/0/run.json', (r) => (r.datasetId = 'ds-other'))))).toMatch(/uses dataset "ds-other", which is not in the bundle/);
		expect(importError(edited((f) => editJson(f, 'runs/0/run.json', (r) => ((r.config as { epochs: number }).epochs = -1))))).toMatch(/runs\/0\/run.json.config.epochs must be at least 1/);
		expect(importError(edited((f) => (f['models/0/weights.bin'] = f['models/0/weights.bin'].slice(4))))).toMatch(/weights.bin" has 264 bytes; the weight manifest needs 268/);
		expect(importError(edited((f) => (f['datasets/0/chunks/1/4.bin'] = new Uint8Array(new Int32Array(64).fill(9).buffer))))).toMatch(/category code 9, outside the column's 3 categories/);
		expect(importError(edited((f) => editJson(f, 'models/0/preprocessing.json', (p) => (p.inputSize = 5))))).toMatch(/inputSize is 5, but the features encode to 4 inputs/);
	});

	it('stops a zip bomb at the declared size, and refuses declared sizes over the limit', () => {
		const bomb = zipSync({ 'manifest.json': new Uint8Array(8 * 1024 * 1024) });
		const view = new DataView(bomb.buffer);
		const central = bomb.length - 22 - (46 + 'manifest.json'.length);
		expect(view.getUint32(central, true)).toBe(0x02014b50);
		view.setUint32(central + 24, 1000, true);
		expect(importError(bomb)).toMatch(/expands beyond its declared size/);
		view.setUint32(central + 24, 0xfffffff0, true);
		expect(importError(bomb)).toMatch(/would expand to 4294967280 bytes/);
	});

	it('gives only ImportErrors for randomly damaged archives', () => {
		let accepted = 0;
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.nat(fixture.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat(fixture.length), (flips, cut) => {
				const bytes = fixture.slice(0, cut > fixture.length / 2 ? fixture.length : cut);
				for (const [i, v] of flips) if (i < bytes.length) bytes[i] = v;
				try {
					readBundle(bytes);
					accepted++;
				} catch (error) {
					if (!(error instanceof KilnError) || error.name !== 'ImportError') throw error;
				}
			}),
			{ numRuns: 400, seed: 5 }
		);
		// Flips in unused header bytes (timestamps, version-made-by) are harmless.
		expect(accepted).toBeLessThan(400);
	});
});

describe('upgrades from older formats', () => {
	it('applies each step in order and records them', () => {
		const files: BundleFiles = new Map([['project.json', strToU8('{"title":"old"}')]]);
		const manifest: Record<string, unknown> = { format: 'kiln-project-bundle', formatVersion: 1 };
		const steps = {
			1: (f: BundleFiles) => f.set('project.json', strToU8(new TextDecoder().decode(f.get('project.json')).replace('title', 'name'))),
			2: (f: BundleFiles) => f.set('note.txt', strToU8('added in 3'))
		};
		expect(upgradeBundleFiles(files, manifest, 1, steps, 3)).toEqual(['1 → 2', '2 → 3']);
		expect(new TextDecoder().decode(files.get('project.json'))).toBe('{"name":"old"}');
		expect(files.has('note.txt')).toBe(true);
		expect(JSON.parse(new TextDecoder().decode(files.get('manifest.json')))).toMatchObject({ formatVersion: 3 });
	});

	it('says so when no upgrade path exists', () => {
		expect(() => upgradeBundleFiles(new Map(), {}, 1, {}, 2)).toThrow(/no upgrade from format 1/);
	});
});
