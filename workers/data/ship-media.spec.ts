import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProject, createRun, finishRun, saveDataset } from '$lib/db';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { profileTable } from '$shared/table';
import { predictTextLinear, trainTextLinear } from '$workers/lib/text/linear-text';
import { TEXT_RUN_FORMAT } from '$workers/lib/text/text-run';
import { DEFAULT_WORD_OPTIONS } from '$workers/lib/text/word-tokenizer';
import type { TrainConfig } from '$workers/protocol';
import { loadDataset } from '../../tests/unit-support';
import { shipHandlers } from './ship';

const table = loadDataset('sentiment.csv');
const text = table.columns.find((c) => c.name === 'text')!;
const label = table.columns.find((c) => c.name === 'sentiment')!;
const cell = (c: typeof text, r: number) => (c.kind === 'categorical' && c.codes[r] >= 0 ? c.categories[c.codes[r]] : '');
const texts = Array.from({ length: 400 }, (_, r) => cell(text, r));
const labels = Array.from({ length: 400 }, (_, r) => cell(label, r));
const classes = ['negative', 'positive'];
const model = trainTextLinear(texts, Int32Array.from(labels, (l) => classes.indexOf(l)), classes, { kind: 'logistic', tfidf: { tokenizer: DEFAULT_WORD_OPTIONS, maxFeatures: 2000, minDf: 1, ngrams: 1, sublinear: true }, l2: 'auto', maxIterations: 60, alpha: 1 });
let runId: string;

beforeAll(async () => {
	const project = await createProject('Reviews');
	const dataset = await saveDataset({ projectId: project.id, name: 'sentiment', fileName: 'sentiment.csv', source: 'demo', table, profile: profileTable(table), target: 'sentiment', task: 'classification' });
	const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'sentiment', task: 'classification', features: [], text: { column: 'text', model: { family: 'tfidf', classifier: 'logistic', ngrams: 1, maxFeatures: 2000, minDf: 1, sublinear: true } } };
	const run = await createRun({ projectId: project.id, datasetId: dataset.id, config });
	const done = await finishRun(run, {
		model: { modelTopology: { format: TEXT_RUN_FORMAT, version: 1, column: 'text', kind: 'linear', linear: model }, weightSpecs: [], weightData: new ArrayBuffer(0) },
		preprocessing: { features: [], target: { name: 'sentiment', task: 'classification', classes }, inputSize: 0 },
		metrics: { task: 'classification', accuracy: 0.8, macroF1: 0.8, classes, confusion: [[1, 0], [0, 1]], support: 2 },
		history: [],
		backend: 'cpu',
		durationMs: 1,
		samplesPerSecond: 1
	} as unknown as Parameters<typeof finishRun>[1]);
	runId = done.id;
});

describe('the data worker ships a stored text run', () => {
	it('makes a link whose share page reads typed text as the run does, with example texts from the dataset', async () => {
		const link = await shipHandlers.createShareLink({ runId, title: 'Reviews', description: '', baseLength: 40 });
		expect(link.code).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(link.examples).toBeGreaterThan(0);
		const view = await shipHandlers.openShareLink(link.code!);
		expect(view.media).toEqual({ kind: 'text', front: 'tfidf', vocabulary: model.tfidf.terms.length });
		expect(view.features).toEqual([]);
		expect(Object.keys(view.examples[0])).toEqual(['text']);
		const sentences = ['Great sound and the battery lasts', 'Broke after a week, awful', 'qqzxv'];
		const kiln = predictTextLinear(model, sentences);
		for (const [i, s] of sentences.entries()) expect((await shipHandlers.predictSharedMedia(link.code!, { text: s })).label).toBe(classes[kiln.predicted[i]]);
		expect((await shipHandlers.predictSharedMedia(link.code!, { text: 'qqzxv' })).warnings.join(' ')).toMatch(/1 of 1 token was not in the training vocabulary/);
		await expect(shipHandlers.predictShared(link.code!, {})).resolves.toBeDefined();
		const page = await shipHandlers.buildStandalonePage({ runId, title: 'Reviews', description: '' });
		expect(await page.html.text()).toContain('id="kiln-data"');
	});
});
