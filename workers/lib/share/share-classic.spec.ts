import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelArtifacts, Preprocessing, Table, TrainConfig } from '$workers/protocol';
import { findColumn, inferTask } from '$shared/table';
import type { FittedPipeline, Pipeline } from '$workers/lib/data/pipeline';
import { defaultParams } from '$workers/lib/models';
import type { ClassicSpec } from '$workers/lib/models/types';
import { classicConfig } from '$workers/lib/model-lab/config';
import { trainClassic } from '$workers/lib/model-lab/train-classic';
import { predictTable } from '$workers/lib/predict';
import { modelEncoding } from '$workers/lib/predict-input';
import { trainModel } from '$workers/lib/train';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { createSharePredictor } from './runtime-share';
import { decodeShareLink, encodeShareLink } from './share-link';
import { runSharePayload, shareModelShape } from './share-run';
import { measureShareLink } from './share-size';
import { buildStandalonePage } from './standalone-page';
import { loadDataset, penguinPipeline, pipelineFeatures, rawRows, useCpu } from './share.spec-support';
import { parsePage, runPage } from './fake-dom.spec-support';

beforeAll(useCpu);

interface Stored {
	artifacts: ModelArtifacts;
	preprocessing?: Preprocessing;
	pipeline?: FittedPipeline;
}

/**
 * The link's predictions on every row of the table, as raw text, against Kiln's own
 * (predictTable on the stored model and encoding): same labels, probabilities within 1e-5,
 * regression values within 1e-5 relative. Returns the link length and the worst difference.
 */
async function parity(stored: Stored, table: Table, features: string[]) {
	const payload = runSharePayload(stored, () => ({ title: 'parity', description: '', examples: [] }), 'float32');
	const code = encodeShareLink(payload);
	const decoded = decodeShareLink(code);
	expect(decoded).toEqual(payload);
	const predictor = createSharePredictor(decoded);
	const own = await predictTable(stored.artifacts, modelEncoding(stored), table);
	let worst = 0;
	rawRows(table, features).forEach((row, r) => {
		const p = predictor.predict(row);
		if (own.probabilities) {
			expect(p.label).toBe(own.predictions[r]);
			p.probabilities!.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - own.probabilities![r][c]))));
		} else {
			const want = Number(own.predictions[r]);
			worst = Math.max(worst, Math.abs(p.value! - want) / Math.max(1, Math.abs(want)));
		}
	});
	expect(worst).toBeLessThan(1e-5);
	return { chars: code.length, worst, payload };
}

const penguins = () => loadDataset('penguins.csv');
const base = (table: Table, target: string, features?: string[]) => ({
	target,
	task: inferTask(findColumn(table, target)),
	features: features ?? table.columns.map((c) => c.name).filter((n) => n !== target),
	seed: 5,
	holdoutFraction: 0.2,
	validationFraction: 0.1
});

async function classic(table: Table, target: string, spec: ClassicSpec, pipeline?: Pipeline) {
	const config = classicConfig(base(table, target, pipeline ? pipelineFeatures : undefined), spec);
	const result = await trainClassic(table, config, pipeline ? { pipeline } : {});
	return { artifacts: result.model, preprocessing: result.preprocessing, pipeline: result.pipeline };
}


describe('share links for classic runs: the link predicts as Kiln does on raw rows', () => {
	const forest = { family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 30 } } as ClassicSpec;
	it.each([
		['linear', { family: 'linear', params: defaultParams('linear', 'classification') }],
		['tree', { family: 'tree', params: defaultParams('tree', 'classification') }],
		['forest (30 trees)', forest],
		['boosting (softmax)', { family: 'boosting', params: { ...defaultParams('boosting', 'classification'), maxIter: 30 } }]
	] as [string, ClassicSpec][])('%s on penguins species', async (name, spec) => {
		const table = penguins();
		const { chars, worst, payload } = await parity(await classic(table, 'species', spec), table, base(table, 'species').features);
		console.log(`penguins ${name}: ${shareModelShape(payload.model)}, link ${chars} chars, worst |Δp| ${worst.toExponential(2)}`);
	});

	it('binary boosting (logistic) and regression trees and boosting', async () => {
		const table = penguins();
		const sex = base(table, 'sex');
		await parity(await classic(table, 'sex', { family: 'boosting', params: { ...defaultParams('boosting', 'classification'), maxIter: 20 } }), table, sex.features);
		const mass = base(table, 'body_mass_g');
		await parity(await classic(table, 'body_mass_g', { family: 'tree', params: { ...defaultParams('tree', 'regression'), maxDepth: 6 } }), table, mass.features);
		await parity(await classic(table, 'body_mass_g', { family: 'boosting', params: { ...defaultParams('boosting', 'regression'), maxIter: 20 } }), table, mass.features);
		await parity(await classic(table, 'body_mass_g', { family: 'linear', params: defaultParams('linear', 'regression') }), table, mass.features);
	});

	// kNN and naive Bayes links: share-lazy.spec.ts.

	it('a 100-tree forest on digits is graded and the standalone page predicts as the library', async () => {
		const table = loadDataset('digits.csv');
		const target = table.columns[table.columns.length - 1].name;
		const stored = await classic(table, target, { family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 100 } });
		const payload = runSharePayload(stored, () => ({ title: 'digits forest', description: '', examples: [] }));
		const size = measureShareLink(payload);
		console.log(`digits 100-tree forest: ${shareModelShape(payload.model)}, link ${size.chars} chars, fit ${size.fit}`);
		expect(size.fit).not.toBe('fits');
		expect(size.suggestStandalone).toBe(true);
		expect(size.message).toMatch(/standalone demo file/);
		const page = buildStandalonePage(payload);
		const { api } = runPage(parsePage(page.html));
		const library = createSharePredictor(payload);
		for (const row of rawRows(table).slice(0, 40)) expect(JSON.stringify(api.predict(row))).toBe(JSON.stringify(library.predict(row)));
	});
});

describe('share links for runs trained through a Prepare pipeline', () => {
	it('a forest and an MLP: the link replays the pipeline on raw rows as Kiln does', async () => {
		const table = penguins();
		const forest = await classic(table, 'species', { family: 'forest', params: { ...defaultParams('forest', 'classification'), nTrees: 20 } }, penguinPipeline);
		expect(forest.preprocessing).toBeUndefined();
		const a = await parity(forest, table, pipelineFeatures);
		expect(a.payload.pipeline!.steps.map((s) => s.kind)).toEqual(['impute', 'impute', 'clip', 'log', 'bin', 'rename']);
		const config: TrainConfig = { ...DEFAULT_CONFIG, ...base(table, 'species', pipelineFeatures), epochs: 5, hiddenLayers: [8] };
		const mlp = await trainModel(table, config, { pipeline: penguinPipeline });
		const b = await parity({ artifacts: mlp.model, pipeline: mlp.pipeline }, table, pipelineFeatures);
		console.log(`penguins pipeline: forest link ${a.chars} chars (|Δp| ${a.worst.toExponential(2)}), MLP link ${b.chars} chars (|Δp| ${b.worst.toExponential(2)})`);
		// The demo page runs the same pipeline code.
		const page = buildStandalonePage(b.payload);
		const { api } = runPage(parsePage(page.html));
		const library = createSharePredictor(b.payload);
		for (const row of rawRows(table, pipelineFeatures).slice(0, 30)) expect(JSON.stringify(api.predict(row))).toBe(JSON.stringify(library.predict(row)));
	});
});
