// Node-only helpers for share-pipeline-more.spec.ts: runs trained through a Prepare pipeline, the
// link made from each, and Kiln's own predictions beside the link's.
import { expect } from 'vitest';
import type { Column, ModelArtifacts, Preprocessing, Table, TrainConfig } from '$workers/protocol';
import { findColumn, inferTask } from '$shared/table';
import { DEFAULT_CONFIG } from '$shared/train-config';
import type { FittedPipeline, Pipeline } from '$workers/lib/data/pipeline';
import { classicConfig } from '$workers/lib/model-lab/config';
import { trainClassic } from '$workers/lib/model-lab/train-classic';
import { defaultParams } from '$workers/lib/models';
import { predictTable } from '$workers/lib/predict';
import { modelEncoding } from '$workers/lib/predict-input';
import { trainModel } from '$workers/lib/train';
import { importedModel } from './import-link';
import { createSharePredictor } from './runtime-share';
import { decodeShareLink, encodeShareLink } from './share-link';
import { runSharePayload } from './share-run';
import { rawRows } from './share.spec-support';
import type { SharePayload } from './types';

export interface Stored {
	artifacts: ModelArtifacts;
	preprocessing?: Preprocessing;
	pipeline?: FittedPipeline;
}

const base = (table: Table, target: string, features: string[]) => ({ target, task: inferTask(findColumn(table, target)), features, seed: 5, holdoutFraction: 0.2, validationFraction: 0.1 });

/** A solver-fitted logistic regression through the pipeline. */
export async function linearRun(table: Table, target: string, features: string[], pipeline: Pipeline): Promise<Stored> {
	const config = classicConfig(base(table, target, features), { family: 'linear', params: defaultParams('linear', 'classification') });
	const r = await trainClassic(table, config, { pipeline });
	return { artifacts: r.model, preprocessing: r.preprocessing, pipeline: r.pipeline };
}

/** A small MLP (one hidden layer of 8, 6 epochs) through the pipeline. */
export async function mlpRun(table: Table, target: string, features: string[], pipeline: Pipeline): Promise<Stored> {
	const config: TrainConfig = { ...DEFAULT_CONFIG, ...base(table, target, features), epochs: 6, hiddenLayers: [8] };
	const r = await trainModel(table, config, { pipeline });
	return { artifacts: r.model, preprocessing: r.preprocessing, pipeline: r.pipeline };
}

/**
 * Rows `rows` of a table, each column edited by `edit` (row index in the new table → value, null
 * for missing, undefined to keep). Text values must be what an import could hold: not empty and
 * not a missing word, which the importer reads as missing.
 */
export function subTable(table: Table, rows: number[], edits: Record<string, (r: number) => number | string | null | undefined> = {}): Table {
	const columns = table.columns.map((c): Column => {
		const edit = edits[c.name];
		if (c.kind === 'numeric') {
			const values = Float64Array.from(rows, (src, r) => {
				const e = edit?.(r);
				return e === undefined ? c.values[src] : e === null ? NaN : Number(e);
			});
			return { ...c, values };
		}
		const categories = [...c.categories];
		const codes = Int32Array.from(rows, (src, r) => {
			const e = edit?.(r);
			if (e === undefined) return c.codes[src];
			if (e === null) return -1;
			const at = categories.indexOf(String(e));
			return at >= 0 ? at : categories.push(String(e)) - 1;
		});
		return { ...c, categories, codes };
	});
	return { rowCount: rows.length, columns };
}

/**
 * The link (float32 weights) on every row of `table` as raw text against Kiln's own replay +
 * model (predictTable): same labels, probabilities within 1e-5 (the other pipeline link specs'
 * bar). Then "Import into my studio": the imported run's own prediction equals the link's
 * within 1e-6. Returns the link, its length and both worst differences.
 */
export async function linkParity(stored: Stored, table: Table, features: string[]) {
	const payload = runSharePayload(stored, () => ({ title: 'parity', description: '', examples: [] }), 'float32');
	const code = encodeShareLink(payload);
	const decoded = decodeShareLink(code);
	expect(decoded).toEqual(payload);
	const link = createSharePredictor(decoded);
	const own = await predictTable(stored.artifacts, modelEncoding(stored), table);
	const imported = await importedModel(decoded);
	const again = await predictTable(imported.artifacts, imported.pipeline!, table);
	let worst = 0;
	let worstImport = 0;
	rawRows(table, features).forEach((row, r) => {
		const p = link.predict(row);
		expect(p.label).toBe(own.predictions[r]);
		expect(again.predictions[r]).toBe(p.label);
		p.probabilities!.forEach((v, c) => {
			worst = Math.max(worst, Math.abs(v - own.probabilities![r][c]));
			worstImport = Math.max(worstImport, Math.abs(v - again.probabilities![r][c]));
		});
	});
	expect(worst).toBeLessThan(1e-5);
	expect(worstImport).toBeLessThan(1e-6);
	return { payload: decoded as SharePayload, chars: code.length, worst, worstImport };
}
