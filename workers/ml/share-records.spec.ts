import { describe, expect, it } from 'vitest';
import { chunksToTable } from '$lib/db/columnar';
import { readBundle, writeBundle, type SharePayload } from '$workers/lib/share';
import { cellText } from '$shared/table';
import { toBundleData } from '../data/bundle-records';
import type { ImportedModel } from '$workers/lib/share/import-link';
import { configFromShare, examplesTable, sharedProjectRecords } from './share-records';

const dense = (inputs: number, units: number, activation: 'relu' | 'softmax') => ({ type: 'dense' as const, inputs, units, activation, kernel: { dtype: 'float32' as const, values: new Float32Array(inputs * units).fill(0.1) }, bias: new Float32Array(units) });

const payload: SharePayload = {
	formatVersion: 1,
	model: { inputSize: 3, outputSize: 2, layers: [dense(3, 8, 'relu'), dense(8, 4, 'relu'), dense(4, 2, 'softmax')] },
	preprocessing: {
		features: [
			{ name: 'size', kind: 'numeric', mean: 2, std: 1 },
			{ name: 'colour', kind: 'categorical', categories: ['red', 'blue'], fill: 0 }
		],
		target: { name: 'kind', task: 'classification', classes: ['cat', 'dog'] },
		inputSize: 3
	},
	demo: { title: 'Pets', description: 'Guess the pet.', examples: [{ size: '1.5', colour: 'red' }, { size: 'big', colour: 'blue' }, { size: '', colour: 'NA' }] }
};
const artifacts = { modelTopology: { class_name: 'Sequential' }, weightSpecs: [{ name: 'w', shape: [2], dtype: 'float32' }], weightData: new Float32Array([1, 2]).buffer };
const imported: ImportedModel = { kind: 'network', artifacts, preprocessing: payload.preprocessing, hidden: [8, 4] };

describe('a share link imported as a project', () => {
	it('reconstructs the architecture, target and features; other settings are the defaults', () => {
		expect(configFromShare(payload)).toMatchObject({ target: 'kind', task: 'classification', features: ['size', 'colour'], model: 'mlp', hiddenLayers: [8, 4] });
		const linear = { ...payload, model: { ...payload.model, layers: [dense(3, 2, 'softmax')] } };
		expect(configFromShare(linear)).toMatchObject({ model: 'linear', hiddenLayers: [] });
	});

	it('keeps the example rows as a dataset with the target unknown; text in a number field becomes missing', () => {
		const table = examplesTable(payload);
		expect(table.rowCount).toBe(3);
		expect(table.columns.map((c) => c.name)).toEqual(['size', 'colour', 'kind']);
		expect([0, 1, 2].map((r) => cellText(table.columns[0], r))).toEqual(['1.5', '', '']);
		expect([0, 1, 2].map((r) => cellText(table.columns[1], r))).toEqual(['red', 'blue', '']);
		expect([0, 1, 2].map((r) => cellText(table.columns[2], r))).toEqual(['', '', '']);
	});

	it('makes a project whose model in use is a done run marked as from a share link, and it exports as a bundle', () => {
		let n = 0;
		const records = sharedProjectRecords(payload, imported, (p) => `${p}-${++n}`, 1000);
		const [run] = records.runs;
		expect(records.project).toMatchObject({ name: 'Pets', modelRunId: run.id, datasetId: records.datasets[0].id, target: 'kind', task: 'classification' });
		expect(run).toMatchObject({ status: 'done', modelId: records.models[0].id, source: { kind: 'share-link', title: 'Pets', importedAt: 1000 }, history: [] });
		expect(chunksToTable(records.datasets[0].columns, records.chunks).rowCount).toBe(3);
		// The imported project can be shipped on as a bundle (every record passes its checks).
		const read = readBundle(writeBundle(toBundleData(records).data, { kilnVersion: 'test' }));
		expect(read.runs[0]).toMatchObject({ status: 'done', source: { kind: 'share-link' } });
	});

	it('works for a link without example rows', () => {
		const records = sharedProjectRecords({ ...payload, demo: { ...payload.demo, examples: [] } }, imported, (p) => `${p}-x`, 1);
		expect(records.datasets[0].rowCount).toBe(0);
		expect(() => readBundle(writeBundle(toBundleData(records).data, { kilnVersion: 'test' }))).not.toThrow();
	});
});

describe('image, text and classic links imported as projects', () => {
	const classes = ['neg', 'pos'];
	const target = { name: 'sentiment', task: 'classification' as const, classes };
	const head = { inputSize: 2, outputSize: 2, layers: [dense(2, 2, 'softmax')] };
	const empty = { modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(0) };

	it('a text link: a text run on the column "text", its examples as that column, the target unknown', () => {
		const text: SharePayload = { formatVersion: 2, model: head, preprocessing: { features: [], target, inputSize: 2 }, demo: { title: 'Reviews', description: '', examples: [{ text: 'great' }, { text: 'awful' }] } };
		const settings = { family: 'tfidf' as const, classifier: 'logistic' as const, ngrams: 1, maxFeatures: 2, minDf: 1, sublinear: false };
		const records = sharedProjectRecords(text, { kind: 'text', artifacts: empty, preprocessing: text.preprocessing, text: { column: 'text', model: settings }, hidden: [] }, (p) => `${p}-t`, 5);
		expect(records.runs[0].config).toMatchObject({ target: 'sentiment', features: ['text'], text: { column: 'text', model: settings } });
		const table = chunksToTable(records.datasets[0].columns, records.chunks);
		expect(table.columns.map((c) => c.name)).toEqual(['text', 'sentiment']);
		expect([0, 1].map((r) => cellText(table.columns[0], r))).toEqual(['great', 'awful']);
		expect(records.models[0].preprocessing).toEqual(text.preprocessing);
	});

	it('an image link: an image run (config.vision) whose model keeps the image size; a classic link keeps its family and notes', () => {
		const image: SharePayload = { formatVersion: 2, model: head, preprocessing: { features: [], target: { ...target, name: 'label' }, inputSize: 2, image: { height: 8, width: 8, channels: 1 } }, demo: { title: 'Digits', description: '', examples: [] } };
		const records = sharedProjectRecords(image, { kind: 'image', artifacts: empty, preprocessing: image.preprocessing, hidden: [] }, (p) => `${p}-i`, 5);
		expect(records.runs[0].config.vision).toBeDefined();
		expect(records.models[0].preprocessing?.image).toEqual({ height: 8, width: 8, channels: 1 });
		expect(records.datasets[0].rowCount).toBe(0);

		const forest = { modelTopology: { format: 'kiln-classic-model', version: 1, family: 'forest', model: { notes: ['Imported from a share link.'] } }, weightSpecs: [], weightData: new ArrayBuffer(8) };
		const classic = { family: 'forest', params: { nTrees: 3 } } as unknown as ImportedModel['classic'];
		const tabular = sharedProjectRecords(payload, { kind: 'classic', artifacts: forest, preprocessing: payload.preprocessing, classic, hidden: [] }, (p) => `${p}-c`, 5);
		expect(tabular.runs[0].config.classic).toEqual(classic);
		expect(tabular.runs[0].classicInfo).toEqual({ family: 'forest', modelBytes: 8, notes: ['Imported from a share link.'] });
	});
});
