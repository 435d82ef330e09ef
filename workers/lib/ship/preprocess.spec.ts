import { beforeAll, describe, expect, it } from 'vitest';
import type { Preprocessing, Table } from '$workers/protocol';
import { isKind } from '$shared/errors';
import { cellText } from '$shared/table';
import { loadDataset, useCpu } from '../../../tests/unit-support';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { trainModel } from '$workers/lib/train';
import { encodeFeatures, fitPreprocessing, labelledRows } from '$workers/lib/preprocess';
import { predictTable } from '$workers/lib/predict';
import { exportTfjsOnnx } from './export-tfjs';
import { exportTreesOnnx } from './export-trees';
import { exportPipelineOnnx, exportPreprocessingOnnx, pipelineFeeds } from './preprocess-onnx';
import { encodeRecords, fromSidecar, parseSidecar, recordsToTable, toSidecar, type RawRecord } from './preprocess-sidecar';
import type { TreeEnsemble } from './types';
import { float, maxAbsDiff, runBoth, type Feed } from './ort.spec-support';

beforeAll(useCpu);

const penguins = () => loadDataset('penguins.csv');
const FEATURES = ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'sex'];
const allRows = (table: Table) => Int32Array.from({ length: table.rowCount }, (_, i) => i);

function fitted(table: Table): Preprocessing {
	const rows = labelledRows(table, 'species');
	return fitPreprocessing(table, FEATURES, 'species', 'classification', rows.subarray(0, 250));
}

/** The same rows as a form or API would send them (text cells, '' when missing). */
function records(table: Table, names: string[]): RawRecord[] {
	return Array.from({ length: table.rowCount }, (_, r) => Object.fromEntries(names.map((n) => [n, cellText(table.columns.find((c) => c.name === n)!, r)])));
}

describe('preprocessing sidecar', () => {
	it('round-trips through JSON and encodes records exactly like encodeFeatures', () => {
		const table = penguins();
		const prep = fitted(table);
		const sidecar = JSON.parse(JSON.stringify(toSidecar(prep)));
		expect(sidecar).toMatchObject({ format: 'kiln-preprocessing', version: 1, inputSize: prep.inputSize });
		expect(sidecar.layout[0]).toEqual({ feature: 'island', kind: 'categorical', offset: 0, width: 3 });
		expect(sidecar.onnxInputs).toEqual({ numeric: 'numeric', categorical: [{ feature: 'island', input: 'code:island' }, { feature: 'sex', input: 'code:sex' }] });
		expect(fromSidecar(parseSidecar(JSON.stringify(sidecar)))).toEqual(prep);
		const expected = encodeFeatures(table, prep, allRows(table)).x;
		expect(encodeRecords(prep, records(table, FEATURES)).x).toEqual(expected);
	});

	it.each([
		['not JSON', '{', /not JSON/],
		['another format', { format: 'other' }, /"format": "kiln-preprocessing"/],
		['a newer version', { format: 'kiln-preprocessing', version: 2 }, /newer Kiln/],
		['a bad fill', 'fill', /fill 7/],
		['a wrong inputSize', 'size', /inputSize is 99/]
	])('rejects %s', (_, input, message) => {
		const good = toSidecar(fitted(penguins()));
		const bad = input === 'fill' ? { ...good, features: good.features.map((f) => (f.kind === 'categorical' ? { ...f, fill: 7 } : f)) } : input === 'size' ? { ...good, inputSize: 99 } : input;
		let error: unknown;
		try {
			parseSidecar(bad);
		} catch (e) {
			error = e;
		}
		expect(isKind(error, 'ModelFormatError')).toBe(true);
		expect((error as Error).message).toMatch(message);
	});
});

describe('preprocessing as ONNX', () => {
	it('gives encodeFeatures on every penguin row, plus unseen and missing values', async () => {
		const table = penguins();
		const prep = fitted(table);
		const odd = records(table, FEATURES).slice(0, 3);
		odd.push({ island: 'Atlantis', bill_length_mm: '', bill_depth_mm: 20, flipper_length_mm: null, sex: '' });
		for (const source of [table, recordsToTable(prep, odd)]) {
			const rows = allRows(source);
			const expected = encodeFeatures(source, prep, rows).x;
			const { node, web } = await runBoth(exportPreprocessingOnnx(prep), pipelineFeeds(prep, source, rows) as Record<string, Feed>);
			expect(maxAbsDiff(node.features as Float32Array, expected)).toBeLessThan(1e-5);
			expect(maxAbsDiff(web.features as Float32Array, expected)).toBeLessThan(1e-5);
		}
	});

	it('runs raw rows → label for an MLP trained on penguins, equal to predictTable', async () => {
		const table = penguins();
		const run = await trainModel(table, { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features: FEATURES, epochs: 8 });
		const expected = await predictTable(run.model, run.preprocessing, table);
		const pipeline = exportPipelineOnnx(run.preprocessing, await exportTfjsOnnx(run.model));
		const { node, web } = await runBoth(pipeline, pipelineFeeds(run.preprocessing, table, allRows(table)) as Record<string, Feed>);
		for (const out of [node, web]) {
			expect(maxAbsDiff(out.probabilities as Float32Array, expected.probabilities!.flat())).toBeLessThan(1e-4);
			expect(Array.from(out.label as unknown as string[])).toEqual(expected.predictions);
		}
		// the model really learned: most labels are right
		const truth = table.columns.find((c) => c.name === 'species')!;
		const right = expected.predictions.filter((p, r) => p === cellText(truth, r)).length;
		expect(right / table.rowCount).toBeGreaterThan(0.8);
	});

	it('decodes a regression back to original units (linear model on penguin body mass)', async () => {
		const table = penguins();
		const features = ['species', 'bill_length_mm', 'flipper_length_mm', 'sex'];
		const run = await trainModel(table, { ...DEFAULT_CONFIG, model: 'linear', target: 'body_mass_g', task: 'regression', features, epochs: 10 });
		const expected = await predictTable(run.model, run.preprocessing, table);
		const pipeline = exportPipelineOnnx(run.preprocessing, await exportTfjsOnnx(run.model));
		const { node, web } = await runBoth(pipeline, pipelineFeeds(run.preprocessing, table, allRows(table)) as Record<string, Feed>);
		const grams = expected.predictions.map(Number);
		// float32 over values near 4,000 g: 1e-4 relative
		for (const out of [node, web]) expect(maxAbsDiff(out.prediction as Float32Array, grams)).toBeLessThan(0.4);
	});

	it('puts the preprocessing in front of a tree ensemble', async () => {
		const table = penguins();
		const prep = fitted(table);
		const leaf = (value: number[]) => ({ feature: -1, threshold: 0, left: -1, right: -1, missingGoesLeft: false, value });
		// flipper length (found through the sidecar layout) separates Gentoo from the others
		const flipper = toSidecar(prep).layout.find((s) => s.feature === 'flipper_length_mm')!.offset;
		const trees: TreeEnsemble = {
			task: 'classification',
			featureCount: prep.inputSize,
			classes: ['Adelie', 'Chinstrap', 'Gentoo'],
			aggregate: 'average',
			postTransform: 'none',
			trees: [{ nodes: [{ feature: flipper, threshold: 0.5, left: 1, right: 2, missingGoesLeft: true }, leaf([0.6, 0.4, 0]), leaf([0, 0.1, 0.9])] }]
		};
		const rows = allRows(table);
		const x = encodeFeatures(table, prep, rows).x;
		const direct = await runBoth(exportTreesOnnx(trees), { input: float(x, [rows.length, prep.inputSize]) });
		const { node, web } = await runBoth(exportPipelineOnnx(prep, exportTreesOnnx(trees)), pipelineFeeds(prep, table, rows) as Record<string, Feed>);
		for (const out of [node, web]) {
			expect(maxAbsDiff(out.probabilities as Float32Array, direct.node.probabilities as Float32Array)).toBe(0);
			expect(new Set(out.label as unknown as string[])).toEqual(new Set(['Adelie', 'Gentoo']));
		}
	});
});
