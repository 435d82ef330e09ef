import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createProject, createRun, finishRun, getModel, loadTable, saveCheckpoint, saveDataset } from '$lib/db';
import { parseCsv } from '$workers/lib/csv';
import type { JobEvent, TrainConfig } from '$workers/protocol';
import { useWasm } from '../../tests/unit-support';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The worker's backend loader imports wasm assets through Vite; in Node the spec loads wasm itself.
// The worker's chosen backend is WASM, so image jobs train on it without timing the others.
vi.mock('./backend', () => ({ ensureBackend: async () => ({ backend: 'wasm', note: '' }), chosenBackend: () => 'wasm', markActive: () => {} }));
const { textHandlers } = await import('./text');
const { trainHandlers } = await import('./train');
const { parseTextFields, defaultFields } = await import('../../src/lib/features/text/settings');
const { neuralRunConfig } = await import('./text');
const { columnStrings } = await import('./text-artifacts');
const { trainTextClassifier } = await import('../lib/text/nn/run');

// tfjs-cpu's UnsortedSegmentSum (the embedding gradient) loops over the vocabulary: seconds per batch.
beforeAll(useWasm);

function sentimentCsv(): ArrayBuffer {
	const data = readFileSync(fileURLToPath(new URL('../../static/datasets/sentiment.csv', import.meta.url)));
	return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

async function setup() {
	const project = await createProject('text');
	const parsed = parseCsv(sentimentCsv(), 'sentiment.csv');
	const dataset = await saveDataset({ projectId: project.id, name: 'sentiment', fileName: 'sentiment.csv', source: 'demo', table: parsed.table, profile: parsed.profile, target: 'sentiment', task: 'classification' });
	return { project, dataset };
}

async function trainAndStore(projectId: string, datasetId: string, config: TrainConfig, events: JobEvent[]) {
	const run = await createRun({ projectId, datasetId, config });
	const result = await trainHandlers.train({ runId: run.id, datasetId, config, resume: false }, (e) => events.push(e));
	const done = await finishRun(run, result);
	return { done, model: await getModel(done.modelId!) };
}

describe('text runs in the ML worker (stored dataset → stored model → typed prediction)', () => {
	it('TF-IDF + logistic on the sentiment demo: holdout accuracy, per-word weights that make sense', async () => {
		const { project, dataset } = await setup();
		const { config } = parseTextFields(defaultFields('tfidf'), 'text');
		const events: JobEvent[] = [];
		const { done, model } = await trainAndStore(project.id, dataset.id, { ...config!, target: 'sentiment', task: 'classification' }, events);
		expect(done.metrics?.task === 'classification' && done.metrics.accuracy).toBeGreaterThanOrEqual(0.78);
		expect(done.split?.holdout).toBe(done.metrics?.support);
		expect(events.some((e) => e.type === 'progress')).toBe(true);
		const out = await textHandlers.predictText(model.id, 'The food was excellent and the staff were wonderful');
		expect(out.predicted).toBe('positive');
		expect(out.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
		const weight = (w: string) => out.tokens.find((t) => t.token === w)!.weight;
		expect(weight('excellent')).toBeGreaterThan(0);
		expect(weight('excellent')).toBeGreaterThan(weight('the'));
	}, 60_000);

	it('a neural embedding bag trains with per-epoch curves, predicts and explains', async () => {
		const { project, dataset } = await setup();
		const { config } = parseTextFields({ ...defaultFields('embedding-bag'), epochs: '3', patience: '0' }, 'text');
		const events: JobEvent[] = [];
		const { done, model } = await trainAndStore(project.id, dataset.id, { ...config!, target: 'sentiment', task: 'classification' }, events);
		expect(done.history.length).toBe(3);
		expect(events.filter((e) => e.type === 'metric')).toHaveLength(3);
		expect(done.metrics?.task === 'classification' && done.metrics.accuracy).toBeGreaterThan(0.7);
		const out = await textHandlers.predictText(model.id, 'Terrible service, awful food, I hated it');
		expect(out.predicted).toBe('negative');
		expect(out.tokens.map((t) => t.token)).toContain('awful');
		expect(out.method).toMatch(/gradient × input/);
		await expect(textHandlers.predictText(model.id, 'x'.repeat(200_000))).rejects.toThrow(/at most 100,000/);
	}, 120_000);

	it('a neural run resumes from a stored checkpoint and ends where an uninterrupted run does', async () => {
		const { project, dataset } = await setup();
		const { config: parsed } = parseTextFields({ ...defaultFields('embedding-bag'), epochs: '3', patience: '0', maxLength: '24' }, 'text');
		const config: TrainConfig = { ...parsed!, target: 'sentiment', task: 'classification' };
		const whole = await trainHandlers.train({ runId: 'none', datasetId: dataset.id, config, resume: false }, () => {});
		// The checkpoint the worker would have stored after epoch 1, then the tab closed.
		const table = await loadTable(dataset);
		const settings = config.text!.model;
		if (settings.family === 'tfidf') throw new Error('neural');
		let first: Parameters<typeof saveCheckpoint>[1] | undefined;
		await trainTextClassifier(columnStrings(table, 'text', 't'), columnStrings(table, 'sentiment', 'l'), { ...neuralRunConfig(settings, config), train: { ...neuralRunConfig(settings, config).train, epochs: 2 } }, { checkpointInterval: 0, onCheckpoint: (c) => void (first ??= c) });
		expect(first?.epoch).toBe(1);
		const run = await createRun({ projectId: project.id, datasetId: dataset.id, config });
		expect(await saveCheckpoint(run.id, first!)).toBe(true);
		const events: JobEvent[] = [];
		const resumed = await trainHandlers.train({ runId: run.id, datasetId: dataset.id, config, resume: true }, (e) => events.push(e));
		expect(events.some((e) => e.type === 'log' && /Resumed from the checkpoint after epoch 1/.test(e.message))).toBe(true);
		expect(events.filter((e) => e.type === 'metric').map((e) => e.type === 'metric' && e.epoch)).toEqual([2, 3]);
		// Equal up to float32 rounding of the restored Adam state (seen: 2e-8 apart).
		resumed.history.forEach((h, i) => expect(h.valLoss).toBeCloseTo(whole.history[i].valLoss, 5));
		expect(resumed.metrics.task === 'classification' && resumed.metrics.accuracy).toBeCloseTo(whole.metrics.task === 'classification' ? whole.metrics.accuracy : NaN, 2);
	}, 120_000);
});
