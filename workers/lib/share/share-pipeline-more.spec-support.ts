// Node-only helpers for share-pipeline-more.spec.ts: runs trained through a Prepare pipeline, the
// link made from each, and Kiln's own predictions beside the link's.
import fc from 'fast-check';
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
import type { SharePayload, SharePipeline } from './types';
import { treesFor } from './share-kinds-arbitraries.spec-support';

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
 * within 1e-6, and shared again it predicts as the first link. Returns the link, its length and both worst differences.
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
	// The imported run ships again (float32): its link predicts as the first one.
	const reshared = createSharePredictor(decodeShareLink(encodeShareLink(runSharePayload({ artifacts: imported.artifacts, preprocessing: imported.preprocessing, pipeline: imported.pipeline }, () => ({ title: 'again', description: '', examples: [] }), 'float32'))));
	for (const row of rawRows(table, features)) {
		const x = link.predict(row);
		const y = reshared.predict(row);
		expect(y.label).toBe(x.label);
		x.probabilities!.forEach((v, c) => expect(Math.abs(v - y.probabilities![c])).toBeLessThan(1e-6));
	}
	return { payload: decoded as SharePayload, chars: code.length, worst, worstImport };
}

/** A pipeline with every step kind of kinds-pipeline.ts over fixed raw fields (the fuzz specs' PIPELINE covers the others). */
export const PIPELINE_MORE: SharePipeline = {
	inputs: [
		{ name: 'a', kind: 'numeric' },
		{ name: 'c', kind: 'categorical' },
		{ name: 'f', kind: 'numeric', date: true },
		{ name: 'g', kind: 'categorical' }
	],
	steps: [
		{ kind: 'date-parts', column: 'f', parts: ['month', 'weekday'], keepSource: true },
		{ kind: 'anonymise', column: 'f', method: { type: 'month' } },
		{ kind: 'derive', name: 'ratio', expression: 'a / 2 + f_month' },
		{ kind: 'anonymise', column: 'a', method: { type: 'range', width: 5 } },
		{ kind: 'mask-pii', column: 'g', kinds: ['email'] },
		{ kind: 'anonymise', column: 'c', method: { type: 'mask', keepStart: 1, keepEnd: 0 } }
	],
	features: [
		{ kind: 'scale', column: 'ratio', center: 1, scale: 2, fill: 0 },
		{ kind: 'one-hot', column: 'f', categories: ['1985-01'], fill: -1, other: true },
		{ kind: 'one-hot', column: 'a', categories: ['[0, 5)'], fill: 0, other: false },
		{ kind: 'hashing', column: 'c', buckets: 2 },
		{ kind: 'tfidf', column: 'g', rules: { form: 'NFKC', lowercase: true, punctuation: 'drop', numbers: 'keep', maxChars: 20_000 }, ngrams: 2, sublinear: false, terms: ['bad', 'good', 'good day'], df: [3, 2, 1], documents: 10 }
	],
	inputSize: 9
};

export const PIPELINE_MORE_FORM: Preprocessing = {
	features: [
		{ name: 'a', kind: 'numeric', mean: 1, std: 1 },
		{ name: 'c', kind: 'categorical', categories: ['x', 'y'], fill: -1 },
		{ name: 'f', kind: 'numeric', mean: 0, std: 1 },
		{ name: 'g', kind: 'categorical', categories: [], fill: -1 }
	],
	target: { name: 'label', task: 'classification', classes: ['no', 'yes'] },
	inputSize: 4
};

export const pipelineMorePayload: fc.Arbitrary<SharePayload> = fc
	.record({ model: treesFor(PIPELINE_MORE_FORM, PIPELINE_MORE.inputSize), a: fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }).map(String), fc.constantFrom('', 'NA')), f: fc.constantFrom('1985-01-03', '1985-01-03T10:00Z', '473385600000', '', '2024-02-29 1:15 PM'), g: fc.string({ maxLength: 40 }) })
	.map(({ model, a, f, g }) => ({ formatVersion: 2, model, preprocessing: PIPELINE_MORE_FORM, demo: { title: 'pipeline', description: '', examples: [{ a, c: 'y', f, g: `${g} good day a@b.org` }] }, pipeline: PIPELINE_MORE }));
