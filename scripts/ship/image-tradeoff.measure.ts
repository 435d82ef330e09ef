// The compression trade-off table for the fashion-mnist demo CNN, measured once and printed (not a
// test): `TRAIN=8000 EPOCHS=4 npx vitest run -c scripts/ship/vitest.config.ts image-tradeoff`.
// Trains the demo CNN (scripts/models/train-image-sets.ts FASHION_SPEC) on tfjs-backend-wasm, then
// builds every variant through the studio's own path (compressImageRun) on the 2,000 test images.
import { it } from 'vitest';
import type { Preprocessing, TrainConfig, VariantRow } from '$workers/protocol';
import { DEFAULT_CONFIG } from '$shared/train-config';
import { useWasm } from '$workers/lib/kernels/wasm.spec-support';
import { RUNTIMES } from '$workers/lib/ship/ort.spec-support';
import type { OrtRuntime } from '$workers/lib/ship/types';
import { trainCnn } from '$workers/lib/vision/train-cnn';
import { loadImageSet, trainAndTest } from '$workers/lib/vision/vision.spec-support';
import { checkImageOnnx, imagePipelineOnnx } from '$workers/lib/ship-run/image-export';
import { compressImageRun, imageRunModel, imageRunSplit } from '$workers/lib/ship-run/image-variants';
import { FASHION_SPEC } from '../models/train-image-sets';

const ort = RUNTIMES.web as unknown as OrtRuntime;

function row(r: VariantRow, base: VariantRow): string {
	const kb = (b?: number) => (b === undefined ? '–' : (b / 1024).toFixed(1));
	const pct = (v?: number) => (v === undefined ? '–' : (100 * v).toFixed(2));
	const ms = (v?: number) => (v === undefined ? '–' : v.toFixed(2));
	const best = r.onnx ?? r.tfjs!;
	const ref = base.onnx!;
	const smaller = (ref.fileBytes / best.fileBytes).toFixed(2);
	const smallerDeflated = (ref.deflatedBytes / best.deflatedBytes).toFixed(2);
	return `| ${r.label} | ${r.params} | ${r.nonZero} | ${kb(r.tfjs?.fileBytes)} / ${kb(r.tfjs?.deflatedBytes)} | ${kb(r.onnx?.fileBytes)} / ${kb(r.onnx?.deflatedBytes)} | ${smaller}× / ${smallerDeflated}× | ${pct(r.tfjs?.metric)} | ${pct(r.onnx?.metric)} | ${(100 * (best.metric - ref.metric)).toFixed(2)} | ${ms(r.tfjs?.batch1Ms)} | ${ms(r.onnx?.batch1Ms)} |`;
}

it('image trade-off table (fashion-mnist demo CNN)', async () => {
	await useWasm();
	const trainCount = Number(process.env.TRAIN ?? 8000);
	const epochs = Number(process.env.EPOCHS ?? 4);
	const set = loadImageSet('fashion-mnist-22k.kimg.gz');
	const data = trainAndTest(set, trainCount, set.testCount);
	let started = performance.now();
	const trained = await trainCnn(FASHION_SPEC, data.source, data.labels, { epochs, batchSize: 64, lr: 0.002, lrSchedule: 'cosine', seed: 1, augment: { flip: 0.5, shift: 0.08 }, train: data.trainRows, validation: data.testRows });
	console.log(`trained on ${trainCount} images × ${epochs} epochs in ${((performance.now() - started) / 1000).toFixed(0)} s: test accuracy ${trained.metrics!.accuracy.toFixed(4)}`);
	const preprocessing: Preprocessing = { features: [], target: { name: 'label', task: 'classification', classes: set.classes }, inputSize: 784, image: set.shape };
	const model = imageRunModel(trained.model, preprocessing);
	const read = async (rows: Int32Array) => ({ pixels: await data.source.getBatch(rows), labels: Int32Array.from(rows, (r) => data.labels[r]) });
	const split = await imageRunSplit(read, { train: data.trainRows, holdout: data.testRows }, set.shape);
	const check = await checkImageOnnx(ort, await imagePipelineOnnx({ artifacts: model.artifacts, image: set.shape, classes: set.classes }), { artifacts: model.artifacts, image: set.shape, classes: set.classes }, await data.source.getBatch(data.testRows), data.testRows.length, 'onnxruntime-web wasm');
	console.log(`ONNX pipeline check: ${check.agreed}/${check.rows} same label, max probability difference ${check.maxAbsDiff.toExponential(2)}`);
	const config: TrainConfig = { ...DEFAULT_CONFIG, target: 'label', task: 'classification', features: [], batchSize: 64, learningRate: 0.0005, seed: 1 };
	started = performance.now();
	const skipped: string[] = [];
	const rows = await compressImageRun(model, config, split, { runId: 'measure', sparsities: [0.5, 0.8], fineTuneEpochs: Number(process.env.FT ?? 2), repeats: 20, oneShot: true, structured: [0.5] }, { ort, ortBackend: 'wasm', onSkip: (l, r) => skipped.push(`${l}: ${r}`), onProgress: (f, l) => process.stdout.write(`\r${(100 * f).toFixed(0)}% ${l}          `) });
	console.log(`\nvariants built and measured in ${((performance.now() - started) / 1000).toFixed(0)} s; fine-tuning on ${split.train.rows.length} training images; holdout ${split.holdout.rows.length} test images`);
	console.log('| variant | params | non-zero | tfjs KB raw / deflated | ONNX KB raw / deflated | smaller than float32 ONNX (raw / deflated) | tfjs acc % | ORT acc % | Δ points | tfjs batch-1 ms | ORT batch-1 ms |');
	console.log('|---|---|---|---|---|---|---|---|---|---|---|');
	for (const r of rows) console.log(row(r, rows[0]));
	if (skipped.length) console.log('skipped:', skipped);
});
