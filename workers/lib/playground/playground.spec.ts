import { beforeAll, describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { zipSync } from 'fflate';
import { isKind } from '$shared/errors';
import type { OrtRuntime } from '$workers/lib/ship/types';
import { useCpu } from '../../../tests/unit-support';
import { csvOf, irisFixture, type IrisFixture } from './fixtures.spec-support';
import { sortModelFiles, type ModelFiles } from './model-files';
import { loadGraph, loadLayers, loadOnnx, medianLatency, predict, type LoadedModel } from './runner';
import { feedFromNumbers, feedsFromTexts } from './feeds';
import { csvBatch } from './csv-batch';
import { viewOutput } from './interpret';

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'error';
const RUNTIMES: Record<string, OrtRuntime> = { node: ortNode as unknown as OrtRuntime, web: ortWeb as unknown as OrtRuntime };

let iris: IrisFixture;
beforeAll(async () => {
	await useCpu();
	iris = await irisFixture();
}, 60_000);

const file = (name: string, bytes: Uint8Array) => ({ name, bytes });
const errorOf = (fn: () => unknown): Error => {
	try {
		fn();
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected an error');
};

function accuracy(probabilities: Float64Array, y: Int32Array, n: number): number {
	let right = 0;
	for (let r = 0; r < n; r++) {
		const row = Array.from(probabilities.subarray(r * 3, r * 3 + 3));
		if (row.indexOf(Math.max(...row)) === y[r]) right++;
	}
	return right / n;
}

async function load(files: ModelFiles, runtime: keyof typeof RUNTIMES = 'web'): Promise<LoadedModel> {
	if (files.kind === 'onnx') return loadOnnx(RUNTIMES[runtime], files.bytes, files.fileName, runtime === 'node' ? ['cpu'] : ['wasm']);
	return files.kind === 'tfjs-graph' ? loadGraph(files.artifacts, files.fileName, files.bytes) : loadLayers(files.artifacts, files.fileName, files.bytes);
}

describe('model files and signatures', () => {
	it('reads an ONNX file (a Kiln pipeline export) with its signature and symbolic batch', async () => {
		const files = sortModelFiles([file('iris.onnx', iris.pipeline)]);
		const model = await load(files);
		expect(model.signature.inputs).toEqual([{ name: 'numeric', type: 'float32', dims: ['N', 4] }]);
		expect(model.signature.outputs.map((o) => [o.name, o.type, o.dims])).toEqual([
			['probabilities', 'float32', ['N', 3]],
			['label_index', 'int64', ['N']],
			['label', 'string', ['N']]
		]);
		await model.dispose();
	});

	it('reads tfjs layers files picked together, and zipped, with the same outputs as the ONNX export', async () => {
		const together = sortModelFiles([file('model.json', iris.json), file('weights.bin', iris.weights)]);
		const zipped = sortModelFiles([file('iris-tfjs.zip', zipSync({ 'iris/model.json': iris.json, 'iris/weights.bin': iris.weights }))]);
		expect(zipped.kind).toBe('tfjs-layers');
		const layers = await load(together);
		expect(layers.signature.inputs[0].dims).toEqual(['?', 4]);
		expect(layers.signature.outputs[0].dims).toEqual(['?', 3]);
		const onnx = await load(sortModelFiles([file('iris.onnx', iris.onnx)]));
		const text = { [layers.signature.inputs[0].name]: csvOf(iris.x, 150, false) };
		const feedsTfjs = feedsFromTexts(layers.signature.inputs, text);
		expect(feedsTfjs[0].dims).toEqual([150, 4]);
		const [tfjsOut] = await predict(layers, feedsTfjs);
		const [onnxOut] = await predict(onnx, feedsFromTexts(onnx.signature.inputs, { input: csvOf(iris.x, 150, false) }));
		// tfjs's output is the logits of the last Dense layer; the ONNX file appends a softmax
		const soft = Array.from({ length: 150 }, (_, r) => {
			const row = Array.from(tfjsOut.values.subarray(r * 3, r * 3 + 3));
			const e = row.map((v) => Math.exp(v - Math.max(...row)));
			return e.map((v) => v / e.reduce((a, b) => a + b, 0));
		}).flat();
		const diff = Math.max(...soft.map((v, i) => Math.abs(v - onnxOut.values[i])));
		expect(diff).toBeLessThan(1e-4);
		expect(accuracy(onnxOut.values, iris.y, 150)).toBeGreaterThan(0.85);
		await layers.dispose();
		await onnx.dispose();
	});

	it('reads a tfjs graph model (loose files and zipped) and predicts as the same network\'s layers files', async () => {
		const loose = sortModelFiles([file('model.json', iris.graph.json), file('group1-shard1of1.bin', iris.graph.weights)]);
		const zipped = sortModelFiles([file('graph.zip', zipSync({ 'web_model/model.json': iris.graph.json, 'web_model/group1-shard1of1.bin': iris.graph.weights }))]);
		expect([loose.kind, zipped.kind]).toEqual(['tfjs-graph', 'tfjs-graph']);
		const graph = await load(zipped);
		expect(graph.signature.format).toBe('tfjs-graph');
		expect(graph.signature.inputs).toEqual([{ name: 'x', type: 'float32', dims: ['?', 4] }]);
		expect(graph.signature.outputs.map((o) => o.dims)).toEqual([['?', 3]]);
		const layers = await load(sortModelFiles([file('model.json', iris.json), file('weights.bin', iris.weights)]));
		const rows = csvOf(iris.x, 150, false);
		const [fromGraph] = await predict(graph, feedsFromTexts(graph.signature.inputs, { x: rows }));
		const [fromLayers] = await predict(layers, feedsFromTexts(layers.signature.inputs, { [layers.signature.inputs[0].name]: rows }));
		expect(fromGraph.dims).toEqual([150, 3]);
		expect(Math.max(...fromGraph.values.map((v, i) => Math.abs(v - fromLayers.values[i])))).toBeLessThan(1e-5);
		const wrong = await predict(graph, [feedFromNumbers({ name: 'x', type: 'float32', dims: ['?', 4] }, new Float32Array(5), [1, 5])]).then(() => null, (e: Error) => e);
		expect(wrong && isKind(wrong, 'ValidationError')).toBe(true);
		await graph.dispose();
		await layers.dispose();
	});

	it('names the file in every refusal: not ONNX, corrupt protobuf, graph model, missing or short weights', async () => {
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
		for (const [name, bytes] of [['photo.onnx', png], ['cut.onnx', iris.pipeline.slice(0, iris.pipeline.length >> 1)], ['empty.onnx', new Uint8Array(0)]] as const) {
			const error = await loadOnnx(RUNTIMES.web, bytes, name).then(() => null, (e: Error) => e);
			expect(error && isKind(error, 'ModelFormatError'), String(error)).toBe(true);
			expect(error!.message).toContain(`"${name}"`);
		}
		const missing = errorOf(() => sortModelFiles([file('model.json', iris.json)]));
		expect(missing.message).toMatch(/weights file "weights\.bin" named in "model\.json" is missing/);
		const short = errorOf(() => sortModelFiles([file('model.json', iris.json), file('weights.bin', iris.weights.slice(4))]));
		expect(short.message).toMatch(/"weights\.bin" holds \d+ bytes, but "model\.json" describes \d+/);
		const graph = new TextEncoder().encode(JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
		expect(errorOf(() => sortModelFiles([file('model.json', graph)])).message).toMatch(/"model\.json" says it is a TensorFlow\.js graph model but its modelTopology holds no graph nodes/);
		expect(errorOf(() => sortModelFiles([file('model.json', iris.graph.json)])).message).toMatch(/"group1-shard1of1\.bin" named in "model\.json" is missing/);
		expect(errorOf(() => sortModelFiles([file('notes.txt', png)])).message).toMatch(/"notes\.txt" is not a model/);
		expect(errorOf(() => sortModelFiles([file('broken.zip', png)])).message).toMatch(/"broken\.zip" is not a readable zip/);
	});
});

describe('predicting', () => {
	it('runs raw CSV rows through the pipeline ONNX in onnxruntime-node and -web alike, with labels and top classes', async () => {
		const csv = csvOf(iris.raw, 150);
		for (const runtime of ['node', 'web'] as const) {
			const model = await load(sortModelFiles([file('iris.onnx', iris.pipeline)]), runtime);
			const batch = csvBatch(csv, 'iris.csv', model.signature.inputs[0]);
			expect(batch.header).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
			const outputs = await predict(model, [feedFromNumbers(model.signature.inputs[0], batch.values, batch.dims)]);
			const [probabilities, labelIndex, label] = outputs;
			expect(accuracy(probabilities.values, iris.y, 150)).toBeGreaterThan(0.85);
			expect(Array.from(labelIndex.values.subarray(0, 3))).toEqual([0, 0, 0].map((_, r) => Array.from(probabilities.values.subarray(r * 3, r * 3 + 3)).indexOf(Math.max(...probabilities.values.subarray(r * 3, r * 3 + 3)))));
			expect(label.texts?.slice(0, 1)).toEqual([iris.classes[labelIndex.values[0]]]);
			const view = viewOutput(probabilities, { batch: 150 });
			expect(view.scoreKind).toBe('probabilities');
			expect(view.rows).toHaveLength(100);
			expect(view.truncated).toBe(true);
			expect(view.topK![0][0].index).toBe(labelIndex.values[0]);
			expect(view.topK![0][0].probability).toBeCloseTo(probabilities.values[labelIndex.values[0]], 6);
			const labels = viewOutput(label, { batch: 150 });
			expect(labels.rows[0]).toEqual([label.texts![0]]);
			expect(labels.scoreKind).toBeUndefined();
			await model.dispose();
		}
	});

	it('runs a model whose batch is fixed at 1 item by item, equal to a batched run', async () => {
		const { layersModelToOnnx } = await import('$workers/lib/ship');
		const { deserializeModel } = await import('$workers/lib/model');
		const { fromMemory } = await import('./spec-memory.spec-support');
		const layers = await deserializeModel(fromMemory(iris.json, iris.weights));
		const fixed = layersModelToOnnx(layers, { batchDim: 1 as unknown as string });
		layers.dispose();
		const one = await loadOnnx(RUNTIMES.web, fixed, 'fixed.onnx');
		expect(one.signature.inputs[0].dims).toEqual([1, 4]);
		const free = await loadOnnx(RUNTIMES.web, iris.onnx, 'free.onnx');
		const x = iris.x.slice(0, 20);
		const [a] = await predict(one, [feedFromNumbers(one.signature.inputs[0], x, [5, 4])]);
		const [b] = await predict(free, [feedFromNumbers(free.signature.inputs[0], x, [5, 4])]);
		expect(a.dims).toEqual([5, 3]);
		// the fixed model returns logits; the free one a softmax: compare their argmax
		for (let r = 0; r < 5; r++) {
			const arg = (v: Float64Array) => Array.from(v.subarray(r * 3, r * 3 + 3)).indexOf(Math.max(...v.subarray(r * 3, r * 3 + 3)));
			expect(arg(a.values)).toBe(arg(b.values));
		}
		const latency = await medianLatency(free, [feedFromNumbers(free.signature.inputs[0], x.slice(0, 4), [1, 4])], { warmup: 1, repeats: 5 });
		expect(latency.runs).toBe(5);
		expect(latency.medianMs).toBeGreaterThan(0);
		await one.dispose();
		await free.dispose();
	});

	it('refuses input of the wrong shape or type with the input name and expected shape', async () => {
		const model = await load(sortModelFiles([file('iris.onnx', iris.pipeline)]));
		const spec = model.signature.inputs;
		expect(errorOf(() => feedsFromTexts(spec, { numeric: '5.1, 3.5, 1.4' })).message).toBe('Input "numeric" expects shape [N, 4] (named sizes are free); 3 values were given, which is not a multiple of 4.');
		expect(errorOf(() => feedsFromTexts(spec, { numeric: '[[5.1, 3.5, 1.4]]' })).message).toMatch(/Input "numeric" expects shape \[N, 4\].*axis 1 is 3, not 4/);
		expect(errorOf(() => feedsFromTexts(spec, { numeric: '5.1, x, 1.4, 2' })).message).toBe('Input "numeric", value 2: "x" is not a number.');
		expect(errorOf(() => feedsFromTexts(spec, {})).message).toBe('Give values for input "numeric".');
		expect(errorOf(() => csvBatch('a,b,c\n1,2,3', 'three.csv', spec[0])).message).toMatch(/The CSV has 3 columns; input "numeric" expects shape \[N, 4\]/);
		expect(errorOf(() => csvBatch('a,b,c,d\n1,2,3,4\n1,2,,4', 'gap.csv', spec[0])).message).toMatch(/^"gap\.csv", row 3, column "c": the cell is empty/);
		expect(errorOf(() => csvBatch('1,2,3,4\n1,2,3,oops', 'words.csv', spec[0])).message).toMatch(/^"words\.csv", row 2, column 4: "oops" is not a number/);
		// nested JSON without the batch axis is one item
		const [feed] = feedsFromTexts(spec, { numeric: '[5.1, 3.5, 1.4, 0.2]' });
		expect(feed.dims).toEqual([1, 4]);
		const [out] = await predict(model, [feed]);
		expect(viewOutput(out).topK?.[0]).toHaveLength(3);
		await model.dispose();
	});
});
