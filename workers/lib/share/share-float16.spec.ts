import { readFileSync } from 'node:fs';
import * as ortNode from 'onnxruntime-node';
import { deflateSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelArtifacts, TrainConfig } from '$workers/protocol';
import { KilnError } from '$shared/errors';
import { modelInputs } from '$workers/lib/model-input';
import { predictTable } from '$workers/lib/predict';
import { quantizeTfjs } from '$workers/lib/ship';
import { modelOnnx } from '$workers/lib/ship-run/export-run';
import { float16Onnx } from '$workers/lib/ship-run/float16-onnx';
import { variantShareModel } from '$workers/lib/ship-run/share-variant';
import { roundToFloat16 } from './half';
import { isLayers } from './kinds-lazy';
import { createSharePredictor } from './runtime-share';
import { decodeShareLink, encodeShareLink, makeSharePayload, packPayload } from './share-link';
import { rawRows, trainBriefly, useCpu } from './share.spec-support';
import type { DenseSpec, RowPrediction } from './types';

beforeAll(useCpu);

const demo = { title: 'float16', description: '', examples: [] };

function softmax(v: ArrayLike<number>): number[] {
	const max = Math.max(...Array.from(v));
	const e = Array.from(v, (x) => Math.exp(x - max));
	const sum = e.reduce((a, b) => a + b, 0);
	return e.map((x) => x / sum);
}

async function onnxProbabilities(bytes: Uint8Array, x: Float32Array, rows: number, width: number): Promise<number[][]> {
	const session = await ortNode.InferenceSession.create(bytes);
	const out = (await session.run({ features: new ortNode.Tensor('float32', x, [rows, width]) })).output.data as Float32Array;
	await session.release();
	const k = out.length / rows;
	return Array.from({ length: rows }, (_, r) => softmax(out.subarray(r * k, (r + 1) * k)));
}

describe('float16 weights inside share links (format 2)', () => {
	it.each([
		['penguins.csv', 'species', { epochs: 20 }],
		['digits.csv', 'digit', { epochs: 6, hiddenLayers: [64] }]
	] as [string, string, Partial<TrainConfig>][])('%s: the picked float16 variant travels as float16, predicts as the tfjs variant and the float16 ONNX, and is shorter than float32', async (file, target, overrides) => {
		const { table, result, prep, rows } = await trainBriefly(file, target, { ...overrides });
		const variant = quantizeTfjs(result.model, 'float16') as ModelArtifacts;
		const shared = variantShareModel(variant, 'float16');
		expect(shared.weights).toBe('float16');
		const code = encodeShareLink(makeSharePayload(shared.artifacts, prep, demo, shared.weights));
		const decoded = decodeShareLink(code);
		expect(isLayers(decoded.model) && decoded.model.layers.filter((l): l is DenseSpec => l.type === 'dense').every((l) => l.kernel.dtype === 'float16')).toBe(true);
		const link = createSharePredictor(decoded);
		const predictions = rows.map((row) => link.predict(row));

		// Against the float16 tfjs variant Kiln measured (the same float16 values, float32 arithmetic).
		const tfjs = await predictTable(variant, prep, table);
		const worstTfjs = worst(predictions, tfjs.predictions, tfjs.probabilities!);
		expect(worstTfjs).toBeLessThan(1e-5);

		// Against the float16 ONNX file of the trade-off table, in onnxruntime-node.
		const all = Int32Array.from({ length: table.rowCount }, (_, i) => i);
		const { x, width } = modelInputs({ preprocessing: prep }, table, all, false);
		const half = float16Onnx(await modelOnnx({ artifacts: result.model }));
		const onnx = await onnxProbabilities(half, x, table.rowCount, width);
		const classes = prep.target.task === 'classification' ? prep.target.classes : [];
		const worstOnnx = worst(predictions, onnx.map((p) => classes[p.indexOf(Math.max(...p))]), onnx);
		expect(worstOnnx).toBeLessThan(1e-5);

		const lengths = Object.fromEntries((['int8', 'float16', 'float32'] as const).map((w) => [w, encodeShareLink(makeSharePayload(w === 'float16' ? shared.artifacts : result.model, prep, demo, w)).length]));
		expect(lengths.float16).toBe(code.length);
		expect(lengths.float16).toBeLessThan(lengths.float32);
		console.log(`${file}: link chars int8 ${lengths.int8}, float16 ${lengths.float16}, float32 ${lengths.float32}; float16 link vs tfjs float16 variant max |Δp| ${worstTfjs.toExponential(2)}, vs float16 ONNX ${worstOnnx.toExponential(2)} (${table.rowCount} rows)`);
	}, 60_000);

	it('float16 halves round to nearest even, refuse weights beyond ±65,504, and a link whose half is infinite is a ShareLinkError', async () => {
		expect(Array.from(roundToFloat16(Float32Array.from([1, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 65504, -(2 ** -24), 2 ** -26])))).toEqual([1, 1, 1 + 2 ** -9, 65504, -(2 ** -24), 0]);
		expect(() => roundToFloat16(Float32Array.from([70000]))).toThrow(/too large for float16/);
		const { result, prep } = await trainBriefly('iris.csv', 'species', { epochs: 2 });
		const payload = makeSharePayload(result.model, prep, demo, 'float16');
		const bytes = packPayload(payload);
		const headerLength = new DataView(bytes.buffer).getUint32(5, true);
		const at = 9 + headerLength;
		bytes[at] = 0x00;
		bytes[at + 1] = 0x7c; // +Infinity as a half, the first kernel value
		const code = Buffer.from(deflateSync(bytes)).toString('base64url');
		expect(() => decodeShareLink(code)).toThrow(KilnError);
		expect(() => decodeShareLink(code)).toThrow(expect.objectContaining({ name: 'ShareLinkError' }));
	});
});

describe('format-2 links written before float16 keep decoding', () => {
	const read = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').trim();
	it('a trees + pipeline link and an int8 MLP link predict exactly as when they were written', () => {
		const expected = JSON.parse(read('share-link-v2-expected.json')) as { trees: RowPrediction[]; mlp: RowPrediction[]; treeRows: Record<string, string>[]; mlpRows: Record<string, string>[] };
		const trees = decodeShareLink(read('share-link-v2-trees.txt'));
		const mlp = decodeShareLink(read('share-link-v2-mlp.txt'));
		expect([trees.formatVersion, mlp.formatVersion]).toEqual([2, 2]);
		expect(trees.pipeline).toBeDefined();
		expect(JSON.parse(JSON.stringify(expected.treeRows.map((r) => createSharePredictor(trees).predict(r))))).toEqual(expected.trees);
		expect(JSON.parse(JSON.stringify(expected.mlpRows.map((r) => createSharePredictor(mlp).predict(r))))).toEqual(expected.mlp);
	});
});

function worst(link: RowPrediction[], labels: string[], probabilities: number[][]): number {
	let w = 0;
	link.forEach((p, r) => {
		expect(p.label).toBe(labels[r]);
		p.probabilities!.forEach((v, c) => (w = Math.max(w, Math.abs(v - probabilities[r][c]))));
	});
	return w;
}
