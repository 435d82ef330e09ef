import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelRecord } from '$lib/db';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { importDataset, useCpu } from '../../tests/unit-support';
import { classicConfig } from '../lib/model-lab/config';
import { trainClassic } from '../lib/model-lab/train-classic';
import { defaultParams } from '../lib/models/params';
import { predictTable } from '../lib/predict';
import type { OrtRuntime } from '../lib/ship';
import { numericTypeFor, pipelineOnnx } from '../lib/ship-run/export-run';
import { predictFileOnnx } from './ship-predict-file';

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'error';

beforeAll(useCpu);

describe('file prediction through ONNX', () => {
	it('a gradient-boosting run predicts the penguins file in onnxruntime-web with Kiln’s own labels, as the same CSV', async () => {
		const table = await importDataset('penguins.csv');
		const features = ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex'];
		const config = classicConfig({ ...DEFAULT_CONFIG, target: 'species', task: 'classification', features }, { family: 'boosting', params: { ...defaultParams('boosting', 'classification'), maxIter: 15 } });
		const result = await trainClassic(table, config);
		const prep = result.preprocessing;
		const stored = { id: 'm', runId: 'r', projectId: 'p', createdAt: 0, artifacts: result.model, preprocessing: prep, inputs: result.inputs, missing: result.missing } as ModelRecord;
		const model = { artifacts: result.model, preprocessing: prep };
		const session = await ortWeb.InferenceSession.create(await pipelineOnnx(model));
		const path = fileURLToPath(new URL('../../static/datasets/penguins.csv', import.meta.url));
		const file = new Blob([readFileSync(path)], { type: 'text/csv' });
		// The drift check's training rows: here every row of the same file.
		const reference = async () => ({ table, rows: Int32Array.from({ length: table.rowCount }, (_, i) => i), notes: [] });
		const got = await predictFileOnnx(ortWeb as unknown as OrtRuntime, session, prep, numericTypeFor(model), stored, file, 'penguins.csv', reference);
		await session.release();
		const want = await predictTable(result.model, prep, table);
		expect(got.rowCount).toBe(table.rowCount);
		const predicted = got.header.indexOf('predicted_species');
		expect(predicted).toBeGreaterThan(0);
		expect(got.preview.map((row) => row[predicted])).toEqual(want.predictions.slice(0, got.preview.length));
		const csv = await got.csv.text();
		expect(csv.split('\n').filter(Boolean).length).toBe(table.rowCount + 1);
		// The same rows as training: no column moved, and the predictions follow the labels.
		const drift = got.drift && 'report' in got.drift ? got.drift.report : null;
		expect(drift?.columns.map((c) => c.name).sort()).toEqual([...features].sort());
		for (const column of drift!.columns) expect(column.psi).toBe(0);
		expect(drift!.predictions!.level).toBe('stable');
		expect(drift!.currentRows).toBe(table.rowCount);
	});
});
