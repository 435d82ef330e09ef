// Node-only fixtures for the playground specs: a real MLP trained on iris by Kiln, as the files
// a person would bring (Kiln's ONNX exports and tfjs layers files saved via withSaveHandler).
import type { Table } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { trainModel } from '$workers/lib/train';
import { encodeFeatures, encodeTarget } from '$workers/lib/preprocess';
import { exportPipelineOnnx, exportTfjsOnnx, tfjsFiles } from '$workers/lib/ship';
import { loadDataset } from '../../../tests/unit-support';
import { graphModelFiles } from './graph-fixture.spec-support';

export const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

export interface IrisFixture {
	table: Table;
	/** Encoded (standardised) features, row-major [150, 4]. */
	x: Float32Array;
	/** Raw measurements, row-major [150, 4]. */
	raw: Float32Array;
	/** Class index of each row in the model's class order. */
	y: Int32Array;
	classes: string[];
	/** Model only: `input` [N, 4] encoded → `output` [N, 3] softmax. */
	onnx: Uint8Array;
	/** Raw rows in: `numeric` [N, 4] → probabilities, label_index, label. */
	pipeline: Uint8Array;
	json: Uint8Array;
	weights: Uint8Array;
	/** The same network as a tfjs graph model (model.json + group1-shard1of1.bin). */
	graph: { json: Uint8Array; weights: Uint8Array };
}

let cached: Promise<IrisFixture> | null = null;

export function irisFixture(): Promise<IrisFixture> {
	cached ??= (async () => {
		const table = loadDataset('iris.csv');
		const run = await trainModel(table, { ...DEFAULT_CONFIG, target: 'species', task: 'classification', features: IRIS_FEATURES, epochs: 150 });
		const rows = Int32Array.from({ length: table.rowCount }, (_, i) => i);
		const { x } = encodeFeatures(table, run.preprocessing, rows);
		const y = encodeTarget(table, run.preprocessing, rows);
		const raw = new Float32Array(table.rowCount * 4);
		IRIS_FEATURES.forEach((name, j) => {
			const column = table.columns.find((c) => c.name === name)!;
			if (column.kind !== 'numeric') throw new Error(`${name} is not numeric`);
			for (let r = 0; r < table.rowCount; r++) raw[r * 4 + j] = column.values[r];
		});
		const modelOnnx = await exportTfjsOnnx(run.model);
		const files = tfjsFiles(run.model);
		const classes = run.preprocessing.target.task === 'classification' ? run.preprocessing.target.classes : [];
		return { table, x, raw, y: y as Int32Array, classes, onnx: await exportTfjsOnnx(run.model, { appendSoftmax: true }), pipeline: exportPipelineOnnx(run.preprocessing, modelOnnx), json: files.json, weights: files.weights, graph: await graphModelFiles(run.model) };
	})();
	return cached;
}

/** The first `n` rows of a row-major [rows, 4] matrix as CSV text, with or without a header. */
export function csvOf(values: Float32Array, n: number, header = true): string {
	const lines = header ? [IRIS_FEATURES.join(',')] : [];
	for (let r = 0; r < n; r++) lines.push(Array.from(values.subarray(r * 4, r * 4 + 4)).join(','));
	return lines.join('\n');
}
