// One-off: the part-of-speech bar of issue 13 (≥ 0.90 held-out token accuracy) measured with the
// studio's own tagger defaults (taggerFields) through the ML worker's train and evaluate handlers,
// on the whole shipped Brown sample (4,000 sentences), seeded; fails below the bar. Accuracy only:
// no timing asserted, so no heavy lock. Measured 2026-11-26: seed 42 0.9199 on 7,519 held-out tokens,
// seed 7 0.9209 on 7,342.
//   npx vitest run --config bench/text/vitest.config.ts bench/text/pos-tagger.run.ts
//   SEEDS=42,7 to repeat with other seeds (each changes the split and the initial weights).
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { expect, it, vi } from 'vitest';
import { createProject, createRun, finishRun, saveDataset } from '$lib/db';
import { profileTable } from '$shared/table';
import type { ClassificationReport, TrainConfig } from '$workers/protocol';
import { useWasm } from '../../tests/unit-support';
import { shippedVectors as fromDisk } from '$workers/lib/text/text.spec-support';

vi.mock('$workers/ml/backend', () => ({ ensureBackend: async () => ({ backend: 'wasm', note: '' }) }));
vi.mock('$workers/ml/text-vectors', () => ({ shippedVectors: async () => fromDisk() }));
const { trainHandlers } = await import('$workers/ml/train');
const { evaluateHandlers } = await import('$workers/ml/evaluate');
const { parseTextFields, taggerFields } = await import('$lib/features/text/settings');
const { parseConll } = await import('$workers/lib/text/conll');
const { conllTable } = await import('$workers/lib/text/tagging');

it('POS tagging with the studio defaults on the whole shipped Brown sample', async () => {
	await useWasm();
	const table = conllTable(parseConll(readFileSync('static/datasets/brown-pos.conll', 'utf8'), 'brown-pos.conll'));
	const project = await createProject('pos');
	const dataset = await saveDataset({ projectId: project.id, name: 'brown', fileName: 'brown-pos.conll', source: 'demo', table, profile: profileTable(table), target: 'tag', task: 'classification' });
	for (const seed of (process.env.SEEDS ?? '42').split(',')) {
		const parsed = parseTextFields({ ...taggerFields(), seed }, 'token', 'file:///static/models/');
		expect(parsed.problems).toEqual({});
		const config: TrainConfig = { ...parsed.config!, text: { ...parsed.config!.text!, tagging: { sentence: 'sentence' } }, target: 'tag', task: 'classification' };
		const run = await createRun({ projectId: project.id, datasetId: dataset.id, config });
		const started = performance.now();
		const result = await trainHandlers.train({ runId: run.id, datasetId: dataset.id, config, resume: false }, () => {});
		const done = await finishRun(run, result);
		const evaluation = await evaluateHandlers.evaluateRun({ runId: done.id, datasetId: dataset.id, modelId: done.modelId!, config });
		const report = evaluation.report as ClassificationReport;
		const majority = evaluation.baselines.find((b) => b.strategy === 'majority')!.report as ClassificationReport;
		expect(report.accuracy).toBeGreaterThanOrEqual(0.9);
		console.log(`POS seed ${seed}: held-out token accuracy ${report.accuracy.toFixed(4)} on ${report.rows} tokens (${result.holdoutRows} sentences; train ${result.trainRows}, validation ${result.validationRows}); majority tag ${majority.accuracy.toFixed(4)}; ${result.history.length} epochs, best ${result.bestEpoch}; ${((performance.now() - started) / 1000).toFixed(0)} s [wasm]`);
	}
});
