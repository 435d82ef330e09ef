// The compression trade-off table for a digits MLP and a digits CNN, measured once and printed
// (not a test): `npx vitest run -c scripts/ship/vitest.config.ts tradeoff`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelArtifacts } from '$workers/protocol';
import { useCpu } from '../../tests/unit-support';
import { serializeModel } from '$workers/lib/model';
import { exportTfjsOnnx } from '$workers/lib/ship/export-tfjs';
import { fineTune } from '$workers/lib/ship/fine-tune';
import { measureModel } from '$workers/lib/ship/measure';
import { pruneMagnitude } from '$workers/lib/ship/prune-magnitude';
import { pruneStructured } from '$workers/lib/ship/prune-structured';
import { quantizeOnnxWeights } from '$workers/lib/ship/quantize-onnx';
import { quantizeOnnxStatic } from '$workers/lib/ship/quantize-onnx-static';
import { quantizeTfjs } from '$workers/lib/ship/quantize-tfjs';
import type { Measurement, OrtRuntime } from '$workers/lib/ship/types';
import { prepared, type Prepared } from '$workers/lib/ship/data.spec-support';
import { RUNTIMES } from '$workers/lib/ship/ort.spec-support';

const ort = RUNTIMES.web as unknown as OrtRuntime;

function row(name: string, m: Measurement): string {
	const t = m.tfjs;
	const o = m.onnx;
	const kb = (b?: number) => (b === undefined ? '–' : (b / 1024).toFixed(1));
	const pct = (v?: number) => (v === undefined ? '–' : (100 * v).toFixed(2));
	const ms = (v?: number) => (v === undefined ? '–' : v.toFixed(3));
	return `| ${name} | ${m.params} | ${m.nonZero} | ${kb(t?.fileBytes)} / ${kb(t?.deflatedBytes)} | ${kb(o?.fileBytes)} / ${kb(o?.deflatedBytes)} | ${pct(t?.metric)} | ${pct(o?.metric)} | ${ms(t?.batch1Ms)} / ${ms(t?.batch256Ms)} | ${ms(o?.batch1Ms)} / ${ms(o?.batch256Ms)} |`;
}

type Tune = { epochs: number; learningRate: number; include?: (w: { name: string; shape: number[] }) => boolean; targetSparsity?: number };

async function table(title: string, original: ModelArtifacts, p: Prepared, rowShape: number[], tune: Tune) {
	const x = p.xHold;
	const y = p.yHold;
	const measure = (artifacts: ModelArtifacts | undefined, onnx: Uint8Array | undefined) => measureModel({ artifacts, onnx, x, y, rowShape, ort, repeats: 30 });
	const fp32 = await exportTfjsOnnx(original);
	const calibration = [{ input: { type: 'float32' as const, data: p.xTrain.slice(0, 256 * 64), dims: [256, ...rowShape] } }];
	const sparsity = tune.targetSparsity ?? 0.8;
	const pruned = await pruneMagnitude(original, p.xTrain, p.yTrain, { batchSize: 64, seed: 7, ...tune, targetSparsity: sparsity });
	const structured = await pruneStructured(original, p.xTrain, p.yTrain, { fraction: 0.5, batchSize: 64, seed: 7, epochs: tune.epochs, learningRate: tune.learningRate });
	const lines = [
		`### ${title} (holdout ${y.length} rows; tfjs backend cpu, ORT-web wasm 1 thread; sizes KB raw / deflated; latency ms batch-1 / batch-256)`,
		'| variant | params | non-zero | tfjs files | ONNX file | acc tfjs % | acc ORT % | tfjs ms | ORT ms |',
		'|---|---|---|---|---|---|---|---|---|',
		row('float32', await measure(original, fp32)),
		row('tfjs float16 storage', await measure(quantizeTfjs(original, 'float16'), undefined)),
		row('uint8 storage / ONNX int8 weights', await measure(quantizeTfjs(original, 'uint8'), quantizeOnnxWeights(fp32))),
		row('ONNX static QDQ (256 calibration rows)', await measure(undefined, await quantizeOnnxStatic(fp32, calibration, ort))),
		row(`${100 * sparsity}% magnitude-pruned, float32`, await measure(pruned.model, await exportTfjsOnnx(pruned.model))),
		row(`${100 * sparsity}% pruned + uint8 / int8`, await measure(quantizeTfjs(pruned.model, 'uint8'), quantizeOnnxWeights(await exportTfjsOnnx(pruned.model)))),
		row('50% units/filters removed + uint8 / int8', await measure(quantizeTfjs(structured.model, 'uint8'), quantizeOnnxWeights(await exportTfjsOnnx(structured.model))))
	];
	console.info(lines.join('\n'));
}

const digits = () => prepared('digits.csv', 'digit', { epochs: 15, hiddenLayers: [128], batchSize: 64 });

it('prints the MLP trade-off table', async () => {
	await useCpu();
	const mlp = await digits();
	await table('Digits MLP 64-128-10 (Kiln trainModel, seed 42)', mlp.run.model, mlp, [64], { epochs: 8, learningRate: 0.003 });
});

it('prints the CNN trade-off table', async () => {
	await useCpu();
	const mlp = await digits();

	// The same split, as 8×8 images, for a small CNN trained with the fine-tuning loop from a seeded start.
	const seed = (s: number) => tfl.initializers.glorotUniform({ seed: s });
	const cnn = tfl.sequential({
		layers: [
			tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seed(1) }),
			tfl.layers.maxPooling2d({ poolSize: 2 }),
			tfl.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seed(2) }),
			tfl.layers.maxPooling2d({ poolSize: 2 }),
			tfl.layers.flatten(),
			tfl.layers.dense({ units: 10, kernelInitializer: seed(3) })
		]
	});
	const cache = '/tmp/kiln-digits-cnn.json';
	let cnnArtifacts: ModelArtifacts;
	if (existsSync(cache)) {
		const saved = JSON.parse(readFileSync(cache, 'utf8'));
		cnnArtifacts = { ...saved, weightData: Uint8Array.from(Buffer.from(saved.weightData, 'base64')).buffer };
	} else {
		await fineTune(cnn, mlp.xTrain, mlp.yTrain, { epochs: 15, batchSize: 64, learningRate: 0.003, seed: 42 });
		cnnArtifacts = await serializeModel(cnn);
		writeFileSync(cache, JSON.stringify({ ...cnnArtifacts, weightData: Buffer.from(cnnArtifacts.weightData).toString('base64') }));
	}
	cnn.dispose();
	// The first conv has 144 weights that every later layer depends on; TF-MOT guides also leave it dense.
	const skipFirst = (w: { name: string; shape: number[] }) => /kernel$/.test(w.name) && !(w.shape.length === 4 && w.shape[2] === 1);
	const sparsity = Number(process.env.KILN_CNN_SPARSITY ?? 0.8);
	await table('Digits CNN c16-p-c32-p-d10 (seeded, 15 epochs)', cnnArtifacts, mlp, [8, 8, 1], { epochs: 8, learningRate: 0.002, targetSparsity: sparsity, ...(process.env.KILN_CNN_SKIP_FIRST ? { include: skipFirst } : {}) });
});
