// `node bench/profile.mjs`: where the time of one wasm training step goes, and an in-worker A/B
// of the original step against the current one (same data, same seed), with their numerics.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loaders } from '../../workers/backend-loaders';
import { activateBackend } from '$workers/lib/backend';
import { denseForward, denseLayers } from '$workers/lib/dense';
import { oneHotTensor, softmaxCrossEntropy } from '$workers/lib/losses';
import { buildModel } from '$workers/lib/model';
import { makeTrainStep } from '$workers/lib/train';
import { makeBaselineTrainStep } from './baseline-step';

export interface ProfileRequest {
	backend: 'wasm' | 'webgl' | 'webgpu' | 'cpu';
	/** Skip everything but the A/B (the slow GPU backends). */
	abOnly?: boolean;
	batchSize: number;
	/** A/B rounds; each round trains one epoch with every variant, in alternating order. */
	rounds: number;
}

type Step = (x: Float32Array, y: number[]) => tf.Scalar;
interface StepParts {
	tensors(x: Float32Array, y: number[]): [tf.Tensor2D, tf.Tensor2D];
	forward(xs: tf.Tensor2D): tf.Tensor2D;
	loss(ys: tf.Tensor2D, out: tf.Tensor2D): tf.Scalar;
}
const variants = { baseline: makeBaselineTrainStep, current: makeTrainStep };
type Variant = keyof typeof variants;

const scope = self as unknown as { onmessage: ((event: MessageEvent<ProfileRequest>) => void) | null; postMessage(message: unknown): void };

async function loadData(): Promise<{ n: number; width: number; classes: number; x: Float32Array; y: Int32Array }> {
	const h = (await (await fetch('/data.json')).json()) as { n: number; width: number; classes: number; xOffset: number; yOffset: number };
	const bytes = await (await fetch('/data.bin')).arrayBuffer();
	return { ...h, x: new Float32Array(bytes, h.xOffset, h.n * h.width), y: new Int32Array(bytes, h.yOffset, h.n) };
}

function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function setup(variant: Variant, width: number, classes: number): { model: tfl.LayersModel; optimizer: tf.Optimizer; step: Step } {
	const model = buildModel({ kind: 'mlp', inputSize: width, outputSize: classes, hiddenLayers: [128], seed: 1 });
	const optimizer = tf.train.adam(0.001);
	return { model, optimizer, step: variants[variant](model, optimizer, 'classification', classes, 0) };
}

/** The parts of each variant's step, in the order the step runs them (classification, no L2). */
function stepParts(variant: Variant, model: tfl.LayersModel, classes: number): StepParts {
	const width = model.inputs[0].shape[1] as number;
	const baseline: StepParts = {
		tensors: (x, y) => [tf.tensor2d(x, [y.length, width]), tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), classes) as tf.Tensor2D)],
		forward: (xs) => model.apply(xs, { training: true }) as tf.Tensor2D,
		loss: (ys, out) => tf.losses.softmaxCrossEntropy(ys, out) as tf.Scalar
	};
	if (variant === 'baseline') return baseline;
	const dense = denseLayers(model);
	return {
		tensors: (x, y) => [tf.tensor2d(x, [y.length, width]), oneHotTensor(y, classes)],
		forward: dense ? (xs) => denseForward(dense, xs) : baseline.forward,
		loss: softmaxCrossEntropy
	};
}

async function run(request: ProfileRequest): Promise<unknown> {
	const d = await loadData();
	const { backend } = await activateBackend(request.backend, loaders);
	if (backend !== request.backend) throw new Error(`got ${backend}`);
	tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
	const bs = request.batchSize;
	const batches = Math.floor(d.n / bs);
	const xb = (b: number) => d.x.subarray(b * bs * d.width, (b + 1) * bs * d.width);
	const yb = (b: number) => Array.from(d.y.subarray(b * bs, (b + 1) * bs));
	const result: Record<string, unknown> = {};

	console.log('profile: backend ready');
	if (!request.abOnly) {
		// Fixed cost of one op on this backend: a scalar add, disposed directly or by a tidy.
		const a = tf.scalar(1);
		const b = tf.scalar(2);
		const perOp = (f: () => void) => {
			for (let i = 0; i < 2000; i++) f();
			const t0 = performance.now();
			for (let i = 0; i < 20000; i++) f();
			return ((performance.now() - t0) / 20000) * 1000;
		};
		result.opOverheadMicroseconds = {
			scalarAddDisposed: perOp(() => tf.add(a, b).dispose()),
			scalarAddInTidy: perOp(() => tf.tidy(() => void tf.add(a, b)))
		};
		tf.dispose([a, b]);
	}
	if (!request.abOnly) {
		// Numerics of other settings Kiln trains with (L2, MSE, two hidden layers, a ragged last
		// batch): both variants from the same seed over the same batches, worst differences.
		const checks: Record<string, unknown> = {};
		for (const [label, task, hidden, l2, batch] of [
			['classification, [32,16], l2 0.001, batch 32', 'classification', [32, 16], 0.001, 32],
			['regression (MSE), [128], l2 0.001, batch 100', 'regression', [128], 0.001, 100],
			['regression (MSE), linear, l2 0, batch 128', 'regression', [], 0, 128]
		] as const) {
			const outputs = task === 'classification' ? d.classes : 1;
			const runs = (Object.keys(variants) as Variant[]).map((name) => {
				const model = buildModel({ kind: hidden.length ? 'mlp' : 'linear', inputSize: d.width, outputSize: outputs, hiddenLayers: [...hidden], seed: 7 });
				const optimizer = tf.train.adam(0.001);
				return { model, optimizer, step: variants[name](model, optimizer, task, outputs, l2), losses: [] as number[] };
			});
			for (const r of runs) {
				for (let start = 0; start < 2000; start += batch) {
					const end = Math.min(start + batch, 2000);
					const y = Array.from(d.y.subarray(start, end), (v) => (task === 'classification' ? v : v / 4 - 1));
					const loss = r.step(d.x.subarray(start * d.width, end * d.width), y);
					r.losses.push((await loss.data())[0]);
					loss.dispose();
				}
			}
			const [a, b] = runs.map((r) => r.model.getWeights().map((w) => w.dataSync() as Float32Array));
			checks[label] = {
				steps: runs[0].losses.length,
				lastLoss: runs.map((r) => r.losses.at(-1)),
				maxAbsWeightDiff: a.reduce((m, w, k) => w.reduce((mm, x, j) => Math.max(mm, Math.abs(x - b[k][j])), m), 0),
				maxAbsLossDiff: runs[0].losses.reduce((m, l, j) => Math.max(m, Math.abs(l - runs[1].losses[j])), 0)
			};
			runs.forEach((r) => (r.model.dispose(), r.optimizer.dispose()));
		}
		result.numerics = checks;

		// Kernel list of one step per variant (after warm-up, so lazy setup is not counted).
		for (const name of Object.keys(variants) as Variant[]) {
			const v = setup(name, d.width, d.classes);
			for (let b = 0; b < 5; b++) v.step(xb(b), yb(b)).dispose();
			const kernels: { name: string; ms: number; shapes: string }[] = [];
			let wall = 0;
			const info = await tf.profile(() => {
				const t0 = performance.now();
				const loss = v.step(xb(5), yb(5));
				wall = performance.now() - t0;
				loss.dispose();
			});
			for (const k of info.kernels) kernels.push({ name: k.name, ms: k.kernelTimeMs as number, shapes: k.inputShapes.map((s) => `[${s}]`).join(' ') });
			const byName = new Map<string, { count: number; ms: number }>();
			for (const k of kernels) {
				const key = `${k.name} ${k.shapes}`;
				const e = byName.get(key) ?? { count: 0, ms: 0 };
				e.count++;
				e.ms += k.ms;
				byName.set(key, e);
			}
			result[`kernels_${name}`] = {
				count: kernels.length,
				kernelMs: kernels.reduce((a, k) => a + k.ms, 0),
				profiledWallMs: wall,
				top: [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([k, e]) => `${e.ms.toFixed(3).padStart(8)} ms ${String(e.count).padStart(3)}× ${k}`)
			};
			v.model.dispose();
			v.optimizer.dispose();
		}

		console.log('profile: kernels done');
		// Time per part of a step, measured inside one variableGrads call so nothing runs twice
		// (wasm runs synchronously, so wall time is exact). `current` = workers/lib/train.ts parts.
		for (const name of Object.keys(variants) as Variant[]) {
			const { model, optimizer } = setup(name, d.width, d.classes);
			const parts = stepParts(name, model, d.classes);
			const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
			const times: Record<string, number[]> = { tensors: [], forward: [], loss: [], backward: [], adam: [], readBack: [], total: [] };
			for (let r = 0; r < 3 * batches; r++) {
				const b = r % batches;
				let tForward = 0;
				let tLoss = 0;
				const t0 = performance.now();
				const [xs, ys] = parts.tensors(xb(b), yb(b));
				const t1 = performance.now();
				const { value, grads } = tf.variableGrads(() => {
					const out = parts.forward(xs);
					tForward = performance.now();
					const loss = parts.loss(ys, out);
					tLoss = performance.now();
					return loss;
				}, variables);
				const t2 = performance.now();
				optimizer.applyGradients(grads);
				const t3 = performance.now();
				await value.data();
				const t4 = performance.now();
				tf.dispose([xs, ys, value, grads]);
				if (r < 5) continue;
				times.tensors.push(t1 - t0);
				times.forward.push(tForward - t1);
				times.loss.push(tLoss - tForward);
				times.backward.push(t2 - tLoss);
				times.adam.push(t3 - t2);
				times.readBack.push(t4 - t3);
				times.total.push(t4 - t0);
			}
			result[`breakdownMs_${name}`] = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Number(median(v).toFixed(3))]));
			model.dispose();
			optimizer.dispose();
		}

	}
	console.log('profile: breakdown done');
	// A/B: both variants train the same batches from the same seed, one epoch each per round.
	const names = Object.keys(variants) as Variant[];
	const runs = names.map((name) => ({ name, ...setup(name, d.width, d.classes), rates: [] as number[], losses: [] as number[], leaked: 0 }));
	for (const v of runs) v.step(xb(0), yb(0)).dispose();
	for (let round = 0; round < request.rounds; round++) {
		const order = round % 2 ? [...runs].reverse() : runs;
		for (const v of order) {
			const tensorsBefore = tf.memory().numTensors;
			const t0 = performance.now();
			for (let b = 0; b < batches; b++) {
				const loss = v.step(xb(b), yb(b));
				v.losses.push((await loss.data())[0]);
				loss.dispose();
			}
			v.rates.push((batches * bs) / ((performance.now() - t0) / 1000));
			v.leaked = Math.max(v.leaked, tf.memory().numTensors - tensorsBefore);
		}
	}
	// Numerics against the first variant (the original step) after the same batches.
	const weights = runs.map((v) => v.model.getWeights().map((w) => w.dataSync() as Float32Array));
	const vsBaseline = (i: number) => ({
		maxAbsWeightDiff: weights[0].reduce((m, w, k) => w.reduce((mm, x, j) => Math.max(mm, Math.abs(x - weights[i][k][j])), m), 0),
		maxAbsLossDiff: runs[0].losses.reduce((m, l, j) => Math.max(m, Math.abs(l - runs[i].losses[j])), 0)
	});
	result.ab = {
		rounds: request.rounds,
		steps: runs[0].losses.length,
		...Object.fromEntries(
			runs.map((v, i) => [v.name, { medianSamplesPerSecond: Math.round(median(v.rates)), rates: v.rates.map(Math.round), lastLoss: v.losses.at(-1), tensorsLeakedPerEpoch: v.leaked, ...vsBaseline(i) }])
		)
	};
	for (const v of runs) {
		v.model.dispose();
		v.optimizer.dispose();
	}
	return result;
}

scope.onmessage = (event) => {
	run(event.data).then(
		(r) => scope.postMessage({ ok: true, result: r }),
		(e: unknown) => scope.postMessage({ ok: false, reason: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) })
	);
};
