// The playground e2e's model "made elsewhere" (tests/e2e/fixtures/iris-mlp.onnx) is Kiln's own
// raw-rows ONNX export of an MLP trained on iris (seed 42, up to 150 epochs with early stopping). This spec checks the
// committed file still reads and predicts as the e2e expects; `WRITE_FIXTURE=1 npx vitest run
// workers/lib/playground/e2e-fixture` writes it again from a fresh training run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as ortWeb from 'onnxruntime-web';
import type { OrtRuntime } from '$workers/lib/ship/types';
import { useCpu } from '../../../tests/unit-support';
import { csvOf, irisFixture } from './fixtures.spec-support';
import { csvBatch } from './csv-batch';
import { feedFromNumbers, feedsFromTexts } from './feeds';
import { loadGraph, loadLayers, loadOnnx, predict } from './runner';
import { sortModelFiles } from './model-files';

const PATH = fileURLToPath(new URL('../../../tests/e2e/fixtures/iris-mlp.onnx', import.meta.url));
const TFJS = (name: string) => fileURLToPath(new URL(`../../../tests/e2e/fixtures/iris-tfjs/${name}`, import.meta.url));
const GRAPH = (name: string) => fileURLToPath(new URL(`../../../tests/e2e/fixtures/iris-graph/${name}`, import.meta.url));
ortWeb.env.wasm.numThreads = 1;

describe('the playground e2e fixture', () => {
	it('is an iris model with raw rows in, reading the rows the e2e feeds as their species', async () => {
		await useCpu();
		const iris = await irisFixture();
		if (process.env.WRITE_FIXTURE === '1' || !existsSync(PATH)) {
			writeFileSync(PATH, iris.pipeline);
			mkdirSync(TFJS(''), { recursive: true });
			writeFileSync(TFJS('model.json'), iris.json);
			writeFileSync(TFJS('weights.bin'), iris.weights);
		}
		if (process.env.WRITE_FIXTURE === '1' || !existsSync(GRAPH('model.json'))) {
			mkdirSync(GRAPH(''), { recursive: true });
			writeFileSync(GRAPH('model.json'), iris.graph.json);
			writeFileSync(GRAPH('group1-shard1of1.bin'), iris.graph.weights);
		}
		const model = await loadOnnx(ortWeb as unknown as OrtRuntime, new Uint8Array(readFileSync(PATH)), 'iris-mlp.onnx');
		expect(model.signature.inputs).toEqual([{ name: 'numeric', type: 'float32', dims: ['N', 4] }]);
		// the e2e types this row (iris row 1) into the form
		const [, , label] = await predict(model, feedsFromTexts(model.signature.inputs, { numeric: '5.1, 3.5, 1.4, 0.2' }));
		expect(label.texts).toEqual(['setosa']);
		// and drops these 6 rows of iris.csv (rows 1, 2, 54, 55, 101, 102) as a CSV
		const picks = [0, 1, 53, 54, 100, 101];
		const raw = new Float32Array(picks.flatMap((r) => Array.from(iris.raw.subarray(r * 4, r * 4 + 4))));
		const batch = csvBatch(csvOf(raw, 6), 'six.csv', model.signature.inputs[0]);
		const [, , labels] = await predict(model, [feedFromNumbers(model.signature.inputs[0], batch.values, batch.dims)]);
		expect(labels.texts).toEqual(['setosa', 'setosa', 'versicolor', 'versicolor', 'virginica', 'virginica']);
		await model.dispose();
		// the same network as tfjs layers files (the e2e loads them too): logits for setosa first
		const layers = sortModelFiles([{ name: 'model.json', bytes: new Uint8Array(readFileSync(TFJS('model.json'))) }, { name: 'weights.bin', bytes: new Uint8Array(readFileSync(TFJS('weights.bin'))) }]);
		if (layers.kind !== 'tfjs-layers') throw new Error('expected tfjs layers files');
		const tfjsModel = await loadLayers(layers.artifacts, layers.fileName, layers.bytes);
		expect(tfjsModel.signature.inputs[0].dims).toEqual(['?', 4]);
		const [logits] = await predict(tfjsModel, [feedFromNumbers(tfjsModel.signature.inputs[0], iris.x.slice(0, 4), [1, 4])]);
		expect(Array.from(logits.values).indexOf(Math.max(...logits.values))).toBe(0);
		await tfjsModel.dispose();
		// and as a tfjs graph model (the e2e types the same standardised row)
		const graphFiles = sortModelFiles(['model.json', 'group1-shard1of1.bin'].map((name) => ({ name, bytes: new Uint8Array(readFileSync(GRAPH(name))) })));
		if (graphFiles.kind !== 'tfjs-graph') throw new Error('expected tfjs graph files');
		const graph = await loadGraph(graphFiles.artifacts, graphFiles.fileName, graphFiles.bytes);
		const [graphLogits] = await predict(graph, [feedFromNumbers(graph.signature.inputs[0], iris.x.slice(0, 4), [1, 4])]);
		expect(Array.from(graphLogits.values).indexOf(Math.max(...graphLogits.values))).toBe(0);
		await graph.dispose();
	}, 60_000);
});
