import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createProject, saveDataset, saveImageDataset } from '$lib/db';
import { parseCsv } from '$workers/lib/csv';
import type { JobEvent, TextNeuralSettings, TrainConfig, TrialRequest } from '$workers/protocol';
import { loadImageSet } from '$workers/lib/vision/vision.spec-support';
import { useWasm } from '../../tests/unit-support';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The worker's backend loader imports wasm assets through Vite; in Node the spec loads wasm itself.
// The worker's chosen backend is WASM, so image jobs train on it without timing the others.
vi.mock('./backend', () => ({ ensureBackend: async () => ({ backend: 'wasm', note: '' }), chosenBackend: () => 'wasm', markActive: () => {} }));
const { tuneHandlers } = await import('./tune');
const { trainHandlers } = await import('./train');
const { visionHandlers } = await import('./vision');
const { trialConfig } = await import('../../src/lib/features/tune/trial-config');
const { imageBase, textBase } = await import('../../src/lib/features/tune/media-base');
const { imageSplit, validationRows } = await import('./vision-split');

beforeAll(useWasm);

const request = (datasetId: string, config: TrainConfig, budget: number, resumeFrom: TrialRequest['resumeFrom'] = null): TrialRequest => ({ searchId: 's', trialId: 0, rung: resumeFrom ? 1 : 0, budget, resumeFrom, datasetId, config, metric: 'valLoss' });

describe('image and text search trials in the ML worker', () => {
	it('a text trial trains the searched network through the text run code, scored on its validation texts', async () => {
		const project = await createProject('text tune');
		// The first 600 lines (amazon reviews, both classes): seconds, not minutes.
		const text = readFileSync(fileURLToPath(new URL('../../static/datasets/sentiment.csv', import.meta.url)), 'utf8').split('\n').slice(0, 600).join('\n');
		const parsed = parseCsv(new TextEncoder().encode(text).buffer as ArrayBuffer, 'sentiment.csv');
		const dataset = await saveDataset({ projectId: project.id, name: 'sentiment', fileName: 'sentiment.csv', source: 'demo', table: parsed.table, profile: parsed.profile, target: 'sentiment', task: 'classification' });
		const base = textBase(undefined, 'text', 'sentiment');
		const small = { ...base, text: { ...base.text!, model: { ...(base.text!.model as TextNeuralSettings), maxLength: 16, vocabularySize: 1000 } } };
		const config = trialConfig(small, 'text', { textModel: 'embedding-bag', embeddingDim: 16, learningRate: 0.01 }, 2);
		expect(config.text!.model).toMatchObject({ family: 'embedding-bag', embeddingDim: 16, maxLength: 16 });
		const logs: string[] = [];
		const outcome = await tuneHandlers.trainTrial(request(dataset.id, config, 2, { rung: 0, budget: 1 }), (events: JobEvent[]) => events.forEach((e) => e.type === 'log' && logs.push(e.message)));
		expect(outcome.history).toHaveLength(2);
		expect(outcome.score).toBe(outcome.history[1].valLoss);
		expect(outcome.history[1].valMetric).toBeGreaterThan(0.5);
		expect(logs.join(' ')).toMatch(/from the start to epoch 2/);
		// The final model trained with that config (as "train with the best config" does) replays the trial's curve.
		const final = await trainHandlers.train({ runId: 'final', datasetId: dataset.id, config, resume: false }, () => {});
		expect(final.history.map((h) => h.valLoss)).toEqual(outcome.history.map((h) => h.valLoss));
	}, 120_000);

	it('an image trial trains the preset with the searched dropout on validation images carved from the training rows', async () => {
		const set = loadImageSet('digits-28.kimg.gz');
		const count = 160;
		const size = set.shape.height * set.shape.width;
		const labels = Int32Array.from(set.labels.subarray(0, count));
		const classes = set.classes;
		const project = await createProject('image tune');
		const counts = classes.map((_, c) => labels.filter((l) => l === c).length);
		const record = await saveImageDataset({ projectId: project.id, name: 'digits', fileName: 'digits.zip', source: 'upload', meta: { ...set.shape, classes, counts, skipped: [] }, pixels: set.images.slice(0, count * size), labels });
		const base = imageBase(undefined);
		const config = trialConfig(base, 'image', { learningRate: 0.003, batchSize: 32, dropout: 0.1, augment: false, preset: 'tiny' }, 2);
		expect(config.vision).toMatchObject({ preset: 'tiny', dropout: 0.1, mode: 'scratch' });
		const events: JobEvent[] = [];
		const outcome = await tuneHandlers.trainTrial(request(record.id, config, 2), (batch: JobEvent[]) => events.push(...batch));
		expect(outcome.history).toHaveLength(2);
		expect(outcome.score).toBe(outcome.history[1].valLoss);
		expect(Number.isFinite(outcome.score)).toBe(true);
		// Scored on a fifth of each class of the training rows, never on the holdout.
		const { train, holdout } = imageSplit(labels, classes.length, { seed: config.seed, holdoutFraction: config.holdoutFraction, maxTrain: 0 });
		const parts = validationRows(train, labels, classes.length, 0.2, config.seed);
		expect(parts.validation.length).toBeGreaterThanOrEqual(Math.round(train.length * 0.2) - classes.length);
		expect([...parts.validation].some((r) => holdout.includes(r))).toBe(false);
		expect([...parts.validation].some((r) => parts.train.includes(r))).toBe(false);
		expect(parts.train.length + parts.validation.length).toBe(train.length);
		// The final image run with that config trains the same preset with the searched dropout, scored on the holdout.
		const final = await visionHandlers.trainImages({ runId: 'final', datasetId: record.id, config, resume: false }, () => {});
		expect(final.history).toHaveLength(2);
		expect(final.holdoutRows).toBe(holdout.length);
		const rates = JSON.stringify(final.model.modelTopology).match(/"rate":[\d.]+/g);
		expect(rates).toEqual(['"rate":0.1']);
	}, 120_000);
});
